package io.warren.server.auth;

import io.warren.server.config.SecurityOptions;
import io.warren.server.support.AppServer;
import io.warren.spi.Authenticator;
import io.warren.spi.OpenRequest;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class CallbackAuthenticatorContractTest extends AuthenticatorContract {
    static AppServer app;
    static CallbackAuthenticator callback;

    @BeforeAll
    static void start() {
        // Sessions are "sid=SUBJECT:EXPIRY[:INFO]" (INFO: the profile's JSON, Base64url); "sid=forged..." is unknown.
        app = new AppServer("/auth", ex -> {
            String cookie = ex.getRequestHeaders().getFirst("Cookie");
            if (cookie == null || !cookie.startsWith("sid=") || cookie.startsWith("sid=forged")) {
                return new AppServer.Answer(401, "");
            }
            String[] s = cookie.substring(4).split(":");
            return new AppServer.Answer(
                    200,
                    "{\"subject\":\"" + s[0] + "\",\"expires\":" + s[1]
                            + (s.length > 2
                                    ? ",\"info\":"
                                            + new String(
                                                    java.util.Base64.getUrlDecoder()
                                                            .decode(s[2]),
                                                    java.nio.charset.StandardCharsets.UTF_8)
                                    : "")
                            + ",\"subscribe\":[\"/contract/**\"],\"publish\":[\"/contract/**\"]}");
        });
        callback = new CallbackAuthenticator(
                new SecurityOptions.Callback(app.uri("/auth"), List.of(), Duration.ofSeconds(5)),
                HttpClient.newHttpClient());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Override
    Authenticator authenticator() {
        return callback;
    }

    @Override
    OpenRequest valid(String sub, Duration ttl) {
        return request(
                Map.of("Cookie", "sid=" + sub + ":" + Instant.now().plus(ttl).getEpochSecond()), Map.of(), Map.of());
    }

    @Override
    OpenRequest withInfo(String sub, Object info) {
        try {
            String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(info);
            String b64 = java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return request(
                    Map.of(
                            "Cookie",
                            "sid=" + sub + ":" + Instant.now().plusSeconds(300).getEpochSecond() + ":" + b64),
                    Map.of(),
                    Map.of());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    OpenRequest forged() {
        return request(Map.of("Cookie", "sid=forged:0"), Map.of(), Map.of());
    }
}
