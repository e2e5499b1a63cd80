package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.ECKey;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.AppServer;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Keys from a JWKS URL: fetched, cached, fetched again for a rotated key, and bounded against made-up key ids. */
class JwksUrlTest {

    @Test
    void fetchesCachesAndFollowsRotation() {
        ECKey k1 = Tokens.ec("k1");
        ECKey k2 = Tokens.ec("k2");
        AtomicReference<String> jwks = new AtomicReference<>(Tokens.jwks(k1));
        AtomicInteger fetches = new AtomicInteger();
        try (AppServer keys = new AppServer("/jwks", ex -> {
            fetches.incrementAndGet();
            return new AppServer.Answer(200, jwks.get());
        })) {
            SecurityOptions.Jwt jwt = new SecurityOptions.Jwt(
                    null,
                    null,
                    null,
                    keys.uri("/jwks"),
                    Duration.ofSeconds(3),
                    null,
                    "issuer-1",
                    "warren",
                    Duration.ZERO,
                    false);
            try (TestServer server = TestServer.start(
                    o -> o.withSecurity(SecurityOptions.defaults().withJwt(jwt)))) {
                String good = Tokens.es256(
                        k1,
                        Tokens.claims("a", 60, List.of("/x"), null)
                                .issuer("issuer-1")
                                .audience("warren"));
                for (int i = 0; i < 5; i++) {
                    assertThat(status(server, good)).isEqualTo(200);
                }
                assertThat(fetches.get()).isEqualTo(1); // cached

                assertThat(status(
                                server,
                                Tokens.es256(
                                        k1,
                                        Tokens.claims("a", 60, null, null)
                                                .issuer("other")
                                                .audience("warren"))))
                        .isEqualTo(401);
                assertThat(status(
                                server,
                                Tokens.es256(
                                        k1, Tokens.claims("a", 60, null, null).issuer("issuer-1"))))
                        .isEqualTo(401);

                // The key server rotates to k2: a token naming k2 makes Warren fetch again (at most once per
                // refresh interval, 3 s here).
                jwks.set(Tokens.jwks(k2));
                String rotated = Tokens.es256(
                        k2,
                        Tokens.claims("a", 60, null, null).issuer("issuer-1").audience("warren"));
                await().atMost(Duration.ofSeconds(15)).until(() -> byParameter(server, rotated) == 200);
                assertThat(status(server, rotated)).isEqualTo(200);

                // A burst of made-up key ids costs at most a fetch per interval, not one per token.
                int before = fetches.get();
                ECKey fake = Tokens.ec("made-up");
                for (int i = 0; i < 20; i++) {
                    assertThat(status(
                                    server,
                                    Tokens.es256(
                                            fake,
                                            Tokens.claims("a", 60, null, null)
                                                    .issuer("issuer-1")
                                                    .audience("warren"))))
                            .isEqualTo(401);
                }
                assertThat(fetches.get() - before).isLessThanOrEqualTo(3);
            }
        }
    }

    /**
     * The status of opening a tunnel with {@code token}, given once as the token parameter and once as a Bearer
     * header: both must agree. Long-poll opens, because they answer and end whether accepted or refused (an
     * accepted SSE open would be a stream that never ends).
     */
    private static int status(TestServer server, String token) {
        int byParameter = byParameter(server, token);
        assertThat(server.get("/tunnel?format=longpoll&new=1", "Authorization", "Bearer " + token)
                        .status())
                .as("the same token as a Bearer header")
                .isEqualTo(byParameter);
        return byParameter;
    }

    private static int byParameter(TestServer server, String token) {
        return server.get("/tunnel?format=longpoll&new=1&token=" + token).status();
    }
}
