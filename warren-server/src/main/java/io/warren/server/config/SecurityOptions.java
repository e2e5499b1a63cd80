package io.warren.server.config;

import io.warren.Limits;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Authentication, authorization rules, allowed origins and limits of a {@link WarrenServer}. Immutable;
 * see docs/security.md for what each setting defends and recommended production values.
 *
 * @param jwt               JWT authentication, or null
 * @param callback          HTTP callback authentication, or null (JWT wins when both are set)
 * @param anonymousSubscribe patterns anonymous clients may subscribe to (turns authorization on)
 * @param anonymousPublish  paths anonymous clients may publish to (turns authorization on)
 * @param allowedOrigins    browser origins allowed on /tunnel and /events ({@code *} for any); empty:
 *                          no Origin check and no CORS headers
 * @param limits            engine limits (datagram size, rate, tunnels per address, path size)
 * @param maxHeaderSize     bytes of request headers
 * @param maxInitialLine    bytes of the request line
 * @param idleTimeout       a connection without a request in progress is closed after this long
 * @param requestTimeout    a request whose headers arrived must finish its body within this long
 */
public record SecurityOptions(
        Jwt jwt,
        Callback callback,
        List<String> anonymousSubscribe,
        List<String> anonymousPublish,
        List<String> allowedOrigins,
        Limits limits,
        int maxHeaderSize,
        int maxInitialLine,
        Duration idleTimeout,
        Duration requestTimeout) {

    /**
     * JWT settings: at least one of {@code secret}, {@code publicKeyPem}, {@code jwksFile}, {@code jwksUrl}.
     *
     * @param secret         HS256 shared secret (at least 32 bytes)
     * @param publicKeyPem   PEM file with RS256/ES256 public keys or certificates
     * @param jwksFile       JWKS file
     * @param jwksUrl        JWKS URL, fetched asynchronously and cached
     * @param jwksRefresh    how often the JWKS URL is fetched again
     * @param cookie         cookie carrying the token, or null
     * @param issuer         required {@code iss}, or null
     * @param audience       required {@code aud}, or null
     * @param clockSkew      tolerance on {@code exp} and {@code nbf}
     * @param allowAnonymous a request without any token opens as anonymous (a bad token is still 401)
     * @param requireExp     a token without {@code exp} is refused (it would open a tunnel that never expires)
     */
    public record Jwt(
            String secret,
            java.nio.file.Path publicKeyPem,
            java.nio.file.Path jwksFile,
            URI jwksUrl,
            Duration jwksRefresh,
            String cookie,
            String issuer,
            String audience,
            Duration clockSkew,
            boolean allowAnonymous,
            boolean requireExp) {
        /** Settings that require {@code exp} (the default). */
        public Jwt(
                String secret,
                java.nio.file.Path publicKeyPem,
                java.nio.file.Path jwksFile,
                URI jwksUrl,
                Duration jwksRefresh,
                String cookie,
                String issuer,
                String audience,
                Duration clockSkew,
                boolean allowAnonymous) {
            this(
                    secret,
                    publicKeyPem,
                    jwksFile,
                    jwksUrl,
                    jwksRefresh,
                    cookie,
                    issuer,
                    audience,
                    clockSkew,
                    allowAnonymous,
                    true);
        }

        public Jwt withRequireExp(boolean v) {
            return new Jwt(
                    secret,
                    publicKeyPem,
                    jwksFile,
                    jwksUrl,
                    jwksRefresh,
                    cookie,
                    issuer,
                    audience,
                    clockSkew,
                    allowAnonymous,
                    v);
        }
    }

    /**
     * HTTP callback settings.
     *
     * @param url     the application's URL, called with GET
     * @param headers request headers forwarded besides {@code Cookie}
     * @param timeout how long the application may take; later is 503 {@code overloaded}
     */
    public record Callback(URI url, List<String> headers, Duration timeout) {
        public Callback {
            headers = List.copyOf(headers);
        }
    }

    public SecurityOptions {
        anonymousSubscribe = List.copyOf(anonymousSubscribe);
        anonymousPublish = List.copyOf(anonymousPublish);
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public static SecurityOptions defaults() {
        return new SecurityOptions(
                null,
                null,
                List.of(),
                List.of(),
                List.of(),
                Limits.defaults(),
                8192,
                4096,
                Duration.ofSeconds(30),
                Duration.ofSeconds(10));
    }

    /** Whether per-path authorization is on: authentication or anonymous rules are configured. */
    public boolean rulesConfigured() {
        return jwt != null || callback != null || !anonymousSubscribe.isEmpty() || !anonymousPublish.isEmpty();
    }

    public SecurityOptions withJwt(Jwt v) {
        return new SecurityOptions(
                v,
                callback,
                anonymousSubscribe,
                anonymousPublish,
                allowedOrigins,
                limits,
                maxHeaderSize,
                maxInitialLine,
                idleTimeout,
                requestTimeout);
    }

    public SecurityOptions withCallback(Callback v) {
        return new SecurityOptions(
                jwt,
                v,
                anonymousSubscribe,
                anonymousPublish,
                allowedOrigins,
                limits,
                maxHeaderSize,
                maxInitialLine,
                idleTimeout,
                requestTimeout);
    }

    public SecurityOptions withAnonymous(List<String> subscribe, List<String> publish) {
        return new SecurityOptions(
                jwt,
                callback,
                subscribe,
                publish,
                allowedOrigins,
                limits,
                maxHeaderSize,
                maxInitialLine,
                idleTimeout,
                requestTimeout);
    }

    public SecurityOptions withAllowedOrigins(List<String> v) {
        return new SecurityOptions(
                jwt,
                callback,
                anonymousSubscribe,
                anonymousPublish,
                v,
                limits,
                maxHeaderSize,
                maxInitialLine,
                idleTimeout,
                requestTimeout);
    }

    public SecurityOptions withLimits(Limits v) {
        return new SecurityOptions(
                jwt,
                callback,
                anonymousSubscribe,
                anonymousPublish,
                allowedOrigins,
                v,
                maxHeaderSize,
                maxInitialLine,
                idleTimeout,
                requestTimeout);
    }

    public SecurityOptions withMaxHeaderSize(int v) {
        return new SecurityOptions(
                jwt,
                callback,
                anonymousSubscribe,
                anonymousPublish,
                allowedOrigins,
                limits,
                v,
                maxInitialLine,
                idleTimeout,
                requestTimeout);
    }

    public SecurityOptions withMaxInitialLine(int v) {
        return new SecurityOptions(
                jwt,
                callback,
                anonymousSubscribe,
                anonymousPublish,
                allowedOrigins,
                limits,
                maxHeaderSize,
                v,
                idleTimeout,
                requestTimeout);
    }

    public SecurityOptions withTimeouts(Duration idle, Duration request) {
        return new SecurityOptions(
                jwt,
                callback,
                anonymousSubscribe,
                anonymousPublish,
                allowedOrigins,
                limits,
                maxHeaderSize,
                maxInitialLine,
                idle,
                request);
    }
}
