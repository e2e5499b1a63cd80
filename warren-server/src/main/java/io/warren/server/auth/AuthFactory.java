package io.warren.server.auth;

import io.warren.server.config.SecurityOptions;
import io.warren.spi.Authenticator;
import io.warren.spi.Authorizer;
import io.warren.spi.Permissions;
import java.net.http.HttpClient;
import java.time.Duration;

/** Builds the authenticator and the authorizer the security options configure; a bad key or secret fails here. */
public final class AuthFactory {
    private AuthFactory() {}

    /** JWT when configured, else the HTTP callback, else everyone in as anonymous. */
    public static Authenticator authenticator(SecurityOptions s) {
        if (s.jwt() == null && s.callback() == null) {
            return Authenticator.allowAll();
        }
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        return s.jwt() != null ? new JwtAuthenticator(s.jwt(), http) : new CallbackAuthenticator(s.callback(), http);
    }

    /** Per-path rules once any authentication or anonymous rule is configured (deny by default), else allow all. */
    public static Authorizer authorizer(SecurityOptions s) {
        if (!s.rulesConfigured()) {
            return Authorizer.allowAll();
        }
        return Authorizer.byPermissions(Permissions.parse(s.anonymousSubscribe(), s.anonymousPublish()));
    }
}
