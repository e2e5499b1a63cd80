package io.warren.server.ops;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.warren.engine.Tunnel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Takes secrets out of a request target before it is logged. Parameters are recognised by their
 * <em>decoded</em> name, as the endpoints read them, so {@code %74oken=} is a token too: {@code token} and
 * {@code key} values are dropped whole, {@code tunnel} ids are shortened as {@link Tunnel#redact} does
 * everywhere else. A name that does not decode hides its value. Everything
 * else ({@code callback}, {@code format}, {@code subscribe}...) stays as sent.
 */
public final class QueryRedactor {
    private static final Set<String> SECRET = Set.of("token", "key");
    private static final String HIDDEN = "…";

    private QueryRedactor() {}

    public static String redact(String uri) {
        int q = uri.indexOf('?');
        if (q < 0) {
            return uri;
        }
        StringBuilder sb = new StringBuilder(uri.length()).append(uri, 0, q + 1);
        int start = q + 1;
        while (start <= uri.length()) {
            int end = uri.indexOf('&', start);
            if (end < 0) {
                end = uri.length();
            }
            param(sb, uri.substring(start, end));
            if (end < uri.length()) {
                sb.append('&');
            }
            start = end + 1;
        }
        return sb.toString();
    }

    private static void param(StringBuilder sb, String p) {
        int eq = p.indexOf('=');
        if (eq < 0) {
            sb.append(p);
            return;
        }
        String rawName = p.substring(0, eq);
        String value = p.substring(eq + 1);
        String name;
        try {
            name = QueryStringDecoder.decodeComponent(rawName, StandardCharsets.UTF_8)
                    .toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException undecodable) {
            name = null;
        }
        sb.append(rawName).append('=');
        if (name != null && !SECRET.contains(name) && !name.equals("tunnel")) {
            sb.append(value);
        } else if (name != null && name.equals("tunnel") && value.length() > 4) {
            sb.append(Tunnel.redact(value));
        } else if (!value.isEmpty()) {
            sb.append(HIDDEN);
        }
    }
}
