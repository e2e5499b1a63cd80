package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.server.config.SecurityOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 10, finding 10: tokens must expire, and a token the clock skew lets in is not closed by the next sweep. */
class JwtExpiryRulesTest {
    static final List<String> NEWS = List.of("/news/*");

    static SecurityOptions.Jwt jwt(Duration skew) {
        return new SecurityOptions.Jwt(Tokens.SECRET, null, null, null, null, null, null, null, skew, false);
    }

    @Test
    void finding10_tokenWithoutExpIsRefusedWithAMessageSayingSo() {
        try (TestServer server =
                TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withJwt(jwt(Duration.ZERO))))) {
            String noExp = Tokens.hs256(Tokens.claims("eve", 300, NEWS, null).expirationTime(null));
            TestServer.Response r = server.get("/tunnel?format=longpoll&new=1", "Authorization", "Bearer " + noExp);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
            assertThat(r.json().get("message").asText()).contains("exp").contains("jwt-require-exp");
            assertThat(server.server().node().tunnelCount()).isZero();
            // The same token with exp opens.
            String withExp = Tokens.hs256(Tokens.claims("eve", 300, NEWS, null));
            assertThat(server.get("/tunnel?format=longpoll&new=1", "Authorization", "Bearer " + withExp)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void finding10_requireExpCanBeTurnedOff() {
        SecurityOptions.Jwt lenient = jwt(Duration.ZERO).withRequireExp(false);
        try (TestServer server =
                TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withJwt(lenient)))) {
            String noExp = Tokens.hs256(Tokens.claims("eve", 300, NEWS, null).expirationTime(null));
            assertThat(server.get("/tunnel?format=longpoll&new=1", "Authorization", "Bearer " + noExp)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void finding10_tokenExpiredWithinTheSkewOpensATunnelTheSweepKeeps() {
        try (TestServer server = TestServer.start(
                o -> o.withSecurity(SecurityOptions.defaults().withJwt(jwt(Duration.ofSeconds(30)))))) {
            // Expired 5 s ago by this clock, within the 30 s skew: accepted, so it must live (until exp + skew).
            String late = Tokens.hs256(Tokens.claims("frank", 300, NEWS, null)
                    .expirationTime(Date.from(Instant.now().minusSeconds(5))));
            try (TunnelClient c = TunnelClient.open(server.port(), "sse", Tokens.bearer(late), "subscribe=/news/*")) {
                c.awaitOpen();
                String tunnel = c.tunnel();
                // Several sweeps (one per second at most) pass; the tunnel stays and still delivers.
                await().during(Duration.ofMillis(2500))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> server.server().node().tunnel(tunnel) != null && !c.ended());
                server.publish("{\"path\":\"/news/a\",\"data\":\"still here\"}");
                assertThat(c.next().get("data").asText()).isEqualTo("still here");
            }
        }
    }
}
