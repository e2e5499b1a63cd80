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
        // Sessions are "sid=SUBJECT:EXPIRY"; "sid=forged..." is unknown to the application.
        app = new AppServer("/auth", ex -> {
            String cookie = ex.getRequestHeaders().getFirst("Cookie");
            if (cookie == null || !cookie.startsWith("sid=") || cookie.startsWith("sid=forged")) {
                return new AppServer.Answer(401, "");
            }
            String[] s = cookie.substring(4).split(":");
            return new AppServer.Answer(
                    200,
                    "{\"subject\":\"" + s[0] + "\",\"expires\":" + s[1]
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
    OpenRequest forged() {
        return request(Map.of("Cookie", "sid=forged:0"), Map.of(), Map.of());
    }
}
