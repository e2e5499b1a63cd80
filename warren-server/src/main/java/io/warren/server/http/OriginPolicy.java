package io.warren.server.http;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The configured {@code allowed-origins}, asked by every place that trusts a browser origin: the CORS
 * handler, the WebSocket upgrade and {@code /publish}. Empty: no origin check on the browser endpoints.
 * {@code *}: any origin, but never with credentials (see {@link #credentials(String)}).
 */
public final class OriginPolicy {
    private static final OriginPolicy NONE = new OriginPolicy(List.of());

    private final Set<String> exact;
    private final boolean any;

    private OriginPolicy(List<String> origins) {
        this.any = origins.contains("*");
        this.exact = Set.copyOf(origins.stream()
                .filter(o -> !o.equals("*"))
                .map(o -> o.toLowerCase(Locale.ROOT))
                .toList());
    }

    /** {@code origins}: exact origins such as {@code https://app.example.com}, or {@code *} for any. */
    public static OriginPolicy of(List<String> origins) {
        return origins.isEmpty() ? NONE : new OriginPolicy(origins);
    }

    /** Whether browser origins are checked at all (allowed-origins is configured). */
    public boolean checks() {
        return any || !exact.isEmpty();
    }

    /** Whether a browser-facing request from {@code origin} may proceed; no Origin (not a cross-site browser request) passes. */
    public boolean allows(String origin) {
        return origin == null || !checks() || any || listed(origin);
    }

    /** Whether {@code origin} is named exactly (a {@code *} does not count). */
    public boolean listed(String origin) {
        return origin != null && exact.contains(origin.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether a response to {@code origin} may say {@code Access-Control-Allow-Credentials: true}: only for an
     * origin named exactly. Under {@code *} any page may call, so none may read answers made with the
     * visitor's cookies.
     */
    public boolean credentials(String origin) {
        return listed(origin);
    }
}
