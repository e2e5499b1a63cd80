package io.warren.redis;

import io.warren.path.PathPattern;
import io.warren.spi.Identity;
import io.warren.spi.Permissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an {@link Identity} a tunnel record keeps as data rather than text, so that a node taking a
 * tunnel over enforces the same rules as the node that opened it: the expiry ({@code e}, epoch
 * milliseconds, empty for never) and the {@link Permissions} ({@code p}, two lists of pattern keys). The
 * remaining attributes travel as JSON ({@code a}) without the permissions.
 *
 * <p>Deny by default: permissions that were stored but cannot be read back restore as
 * {@link Permissions#NONE}, never as "no rules".
 */
final class IdentityFields {
    private IdentityFields() {}

    static String expiry(Identity who) {
        return who.expiresAt() == null ? "" : Long.toString(who.expiresAt().toEpochMilli());
    }

    /** The permissions as {@code {"subscribe":[...],"publish":[...]}}, or empty when the identity has none. */
    static String permissions(Identity who) {
        if (!(who.attributes().get(Permissions.ATTRIBUTE) instanceof Permissions p)) {
            return "";
        }
        return "{\"subscribe\":" + RedisTunnelRegistry.interests(p.subscribe()) + ",\"publish\":"
                + RedisTunnelRegistry.interests(p.publish()) + "}";
    }

    /** Attributes other than the permissions (which {@link #permissions} stores as data). */
    static Map<String, Object> plainAttributes(Identity who) {
        if (!who.attributes().containsKey(Permissions.ATTRIBUTE)) {
            return who.attributes();
        }
        Map<String, Object> m = new HashMap<>(who.attributes());
        m.remove(Permissions.ATTRIBUTE);
        return m;
    }

    /** The identity a record describes; {@code permissions} and {@code expiry} as written by this class. */
    static Identity identity(String subject, Map<String, Object> attributes, String permissions, String expiry) {
        Map<String, Object> all = new HashMap<>(attributes);
        all.remove(Permissions.ATTRIBUTE);
        if (permissions != null && !permissions.isEmpty()) {
            all.put(Permissions.ATTRIBUTE, readPermissions(permissions));
        }
        Instant expiresAt = null;
        if (expiry != null && !expiry.isEmpty()) {
            try {
                expiresAt = Instant.ofEpochMilli(Long.parseLong(expiry));
            } catch (NumberFormatException e) {
                expiresAt = Instant.EPOCH; // unreadable: treat as expired rather than as never
            }
        }
        return new Identity(subject, all, expiresAt);
    }

    private static Permissions readPermissions(String json) {
        try {
            Map<String, Object> m =
                    RedisTunnelRegistry.JSON.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<>() {});
            List<PathPattern> subscribe =
                    RedisTunnelRegistry.patterns(RedisTunnelRegistry.JSON.writeValueAsString(m.get("subscribe")));
            List<PathPattern> publish =
                    RedisTunnelRegistry.patterns(RedisTunnelRegistry.JSON.writeValueAsString(m.get("publish")));
            return new Permissions(subscribe, publish);
        } catch (Exception e) {
            return Permissions.NONE;
        }
    }
}
