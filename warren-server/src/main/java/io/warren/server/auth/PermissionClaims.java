package io.warren.server.auth;

import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.spi.Permissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads {@code {"subscribe": [...], "publish": [...]}} (a JWT claim or a callback answer) into {@link Permissions}. */
final class PermissionClaims {
    private static final int MAX_PATTERNS = 256;

    private PermissionClaims() {}

    /** {@code claim} is a JSON object as a map, or null (no permissions); refuses anything malformed with 401. */
    static Permissions read(Object claim) {
        if (claim == null) {
            return Permissions.NONE;
        }
        if (!(claim instanceof Map<?, ?> m)) {
            throw ErrorCode.UNAUTHORIZED.exception("the warren claim must be an object");
        }
        try {
            return Permissions.parse(list(m.get("subscribe")), list(m.get("publish")));
        } catch (WarrenException e) {
            throw ErrorCode.UNAUTHORIZED.exception("the warren claim holds a bad pattern: " + e.getMessage());
        }
    }

    private static List<String> list(Object v) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l) || l.size() > MAX_PATTERNS) {
            throw ErrorCode.UNAUTHORIZED.exception(
                    "subscribe and publish must be arrays of at most " + MAX_PATTERNS + " patterns");
        }
        List<String> out = new ArrayList<>(l.size());
        for (Object o : l) {
            if (!(o instanceof String s)) {
                throw ErrorCode.UNAUTHORIZED.exception("patterns must be strings");
            }
            out.add(s);
        }
        return out;
    }
}
