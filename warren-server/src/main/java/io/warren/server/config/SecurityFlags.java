package io.warren.server.config;

import static io.warren.server.config.Values.check;
import static io.warren.server.config.Values.httpUrl;
import static io.warren.server.config.Values.list;
import static io.warren.server.config.Values.present;

import io.warren.spi.Permissions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Who may connect and what they may do: JWT, the auth callback, anonymous rules, allowed origins (docs/security.md). */
final class SecurityFlags {

    @Option(
            names = "--jwt-secret",
            description = "HS256 shared secret (at least 32 bytes); turns JWT authentication on.")
    String jwtSecret;

    @Option(
            names = "--jwt-public-key",
            paramLabel = "FILE",
            description = "PEM file with RS256/ES256 public keys or certificates.")
    String jwtPublicKey;

    @Option(
            names = "--jwt-jwks-file",
            paramLabel = "FILE",
            description = "JWKS file with the keys tokens are signed with.")
    String jwtJwksFile;

    @Option(names = "--jwt-jwks-url", paramLabel = "URL", description = "JWKS URL (fetched asynchronously, cached).")
    String jwtJwksUrl;

    @Option(names = "--jwt-jwks-refresh", defaultValue = "5m", description = "How often the JWKS URL is fetched again.")
    String jwtJwksRefresh;

    @Option(
            names = "--jwt-cookie",
            description = "Cookie that may carry the token (besides Authorization: Bearer and ?token=).")
    String jwtCookie;

    @Option(names = "--jwt-issuer", description = "Required iss claim.")
    String jwtIssuer;

    @Option(names = "--jwt-audience", description = "Required aud claim.")
    String jwtAudience;

    @Option(names = "--jwt-clock-skew", defaultValue = "30s", description = "Tolerance on exp and nbf.")
    String jwtClockSkew;

    @Option(
            names = "--jwt-require-exp",
            arity = "0..1",
            defaultValue = "true",
            fallbackValue = "true",
            description = "Refuse tokens without an exp claim.")
    boolean jwtRequireExp;

    @Option(
            names = "--allow-anonymous",
            defaultValue = "false",
            arity = "0..1",
            description = "With JWT on, a request without any token opens as anonymous (anonymous rules apply).")
    boolean allowAnonymous;

    @Option(
            names = "--auth-callback",
            paramLabel = "URL",
            description = "Application URL asked (GET) to authenticate each tunnel open.")
    String authCallback;

    @Option(
            names = "--auth-callback-headers",
            defaultValue = "",
            description = "Request headers forwarded to the callback besides Cookie (comma-separated).")
    String authCallbackHeaders;

    @Option(names = "--auth-callback-timeout", defaultValue = "5s", description = "How long the callback may take.")
    String authCallbackTimeout;

    @Option(
            names = "--anonymous-subscribe",
            defaultValue = "",
            description = "Patterns anonymous clients may subscribe to (comma-separated); turns authorization on.")
    String anonymousSubscribe;

    @Option(
            names = "--anonymous-publish",
            defaultValue = "",
            description = "Patterns anonymous clients may publish to (comma-separated); turns authorization on.")
    String anonymousPublish;

    @Option(
            names = "--allowed-origins",
            defaultValue = "",
            description =
                    "Browser origins allowed on /tunnel and /events (comma-separated, * for any); empty: no check.")
    String allowedOrigins;

    /** The security options with the given limits; JWT on when any key source is set, the callback when its URL is. */
    SecurityOptions read(LimitFlags limits) {
        SecurityOptions s = limits.connection(SecurityOptions.defaults()
                .withLimits(limits.limits())
                .withAnonymous(list(anonymousSubscribe), list(anonymousPublish))
                .withAllowedOrigins(list(allowedOrigins)));
        try {
            Permissions.parse(s.anonymousSubscribe(), s.anonymousPublish());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("anonymous-subscribe/anonymous-publish: " + e.getMessage());
        }
        if (present(jwtSecret) || present(jwtPublicKey) || present(jwtJwksFile) || present(jwtJwksUrl)) {
            s = s.withJwt(new SecurityOptions.Jwt(
                    present(jwtSecret) ? jwtSecret : null,
                    present(jwtPublicKey) ? Path.of(jwtPublicKey) : null,
                    present(jwtJwksFile) ? Path.of(jwtJwksFile) : null,
                    present(jwtJwksUrl) ? httpUrl("jwt-jwks-url", jwtJwksUrl) : null,
                    check("jwt-jwks-refresh", jwtJwksRefresh, Units::duration),
                    present(jwtCookie) ? jwtCookie : null,
                    present(jwtIssuer) ? jwtIssuer : null,
                    present(jwtAudience) ? jwtAudience : null,
                    check("jwt-clock-skew", jwtClockSkew, Units::duration),
                    allowAnonymous,
                    jwtRequireExp));
        }
        if (present(authCallback)) {
            s = s.withCallback(new SecurityOptions.Callback(
                    httpUrl("auth-callback", authCallback),
                    list(authCallbackHeaders),
                    check("auth-callback-timeout", authCallbackTimeout, Units::duration)));
        }
        return s;
    }
}
