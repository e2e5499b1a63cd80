package io.warren.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The value checks every options reader shares; each message names the key and the offending value. */
final class Values {
    private Values() {}

    static <T> T check(String key, String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    static int positive(String key, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(key + " must be positive, not " + v);
        }
        return v;
    }

    static boolean present(String v) {
        return v != null && !v.isBlank();
    }

    /** An absent option and an empty one both mean "not set". */
    static String orNull(String v) {
        return v == null || v.isEmpty() ? null : v;
    }

    static URI httpUrl(String key, String v) {
        try {
            URI u = new URI(v.trim());
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException("must be an http or https URL");
            }
            return u;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' " + e.getMessage());
        }
    }

    /** A comma-separated list; also takes a YAML sequence (which arrives as {@code [a, b]}). */
    static List<String> list(String v) {
        if (v == null) {
            return List.of();
        }
        String t = v.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String part : t.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** {@code auto} is the caller's business; this reads the number, 0 meaning no limit. */
    static int count(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be auto or a whole number (0 = no limit), not '" + v + "'");
        }
    }
}
