package io.warren.server.auth;

import io.warren.server.config.SecurityOptions;
import io.warren.server.support.Tokens;
import io.warren.spi.Authenticator;
import io.warren.spi.OpenRequest;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

class JwtAuthenticatorContractTest extends AuthenticatorContract {
    private final JwtAuthenticator jwt = new JwtAuthenticator(
            new SecurityOptions.Jwt(Tokens.SECRET, null, null, null, null, "wt", null, null, Duration.ZERO, false),
            HttpClient.newHttpClient());

    @Override
    Authenticator authenticator() {
        return jwt;
    }

    @Override
    OpenRequest valid(String sub, Duration ttl) {
        String token =
                Tokens.hs256(Tokens.claims(sub, ttl.toSeconds(), List.of("/contract/**"), List.of("/contract/**")));
        return request(Map.of(), Map.of(), Map.of("wt", token));
    }

    @Override
    OpenRequest withInfo(String sub, Object info) {
        String token = Tokens.hs256(Tokens.claims(sub, 300, List.of("/contract/**"), List.of("/contract/**"))
                .claim(io.warren.spi.Identity.INFO_ATTRIBUTE, info));
        return request(Map.of(), Map.of(), Map.of("wt", token));
    }

    @Override
    OpenRequest forged() {
        String token = Tokens.hs256(
                Tokens.claims("x", 300, List.of("/**"), null), "a-different-secret-of-at-least-32-bytes!!");
        return request(Map.of("Authorization", "Bearer " + token), Map.of(), Map.of());
    }
}
