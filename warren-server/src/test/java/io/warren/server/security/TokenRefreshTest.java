package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.Limits;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WsClient;
import io.warren.spi.Identity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15, in-band token refresh: {@code /meta/refresh} over POST /events, GET /events and WebSocket, on one
 * real node with JWT authentication. A refresh extends the tunnel past its old expiry without reconnecting and
 * applies the new permissions (interests no longer allowed end with {@code /meta/unsubscribed}); every refusal
 * leaves the identity as it was.
 */
class TokenRefreshTest {
    static final List<String> NEWS_AND_SPORTS = List.of("/news/*", "/sports/*");
    static final List<String> NEWS = List.of("/news/*");
    static TestServer server;

    @BeforeAll
    static void start() {
        // Anonymous tunnels allowed (to show they cannot refresh); a burst of 4 datagrams (to show the rate limit).
        SecurityOptions.Jwt jwt = new SecurityOptions.Jwt(
                Tokens.SECRET, null, null, null, null, null, null, null, Duration.ZERO, true, true);
        server = TestServer.start(o -> o.withSecurity(SecurityOptions.defaults()
                .withJwt(jwt)
                .withAnonymous(List.of("/public/*"), List.of())
                .withLimits(Limits.defaults().withEventsBurst(4).withEventsPerSecond(1))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String token(String sub, long ttlSeconds, List<String> subscribe) {
        return Tokens.hs256(Tokens.claims(sub, ttlSeconds, subscribe, null));
    }

    static String refresh(String tunnel, String token, String ref) {
        return "{" + (tunnel == null ? "" : "\"tunnel\":\"" + tunnel + "\",") + "\"path\":\"/meta/refresh\",\"data\":"
                + (token == null ? "{}" : "{\"token\":\"" + token + "\"}") + ",\"id\":\"" + ref + "\"}";
    }

    static Identity identity(String tunnel) {
        return server.server().node().tunnel(tunnel).identity();
    }

    /** Waits until the old credentials are past (plus a sweep): a tunnel still open then was extended. */
    static void outlive(long expiresMillis) {
        Instant past = Instant.ofEpochMilli(expiresMillis).plusSeconds(2);
        await().atMost(Duration.ofSeconds(15)).until(() -> Instant.now().isAfter(past));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream"})
    void aRefreshOverPostEventsExtendsTheTunnelAndAppliesTheNewPermissions(String format) {
        String shortLived = token("alice", 3, NEWS_AND_SPORTS);
        try (TunnelClient c = TunnelClient.open(
                server.port(), format, Tokens.bearer(shortLived), "subscribe=/news/*", "subscribe=/sports/*")) {
            JsonNode open = c.awaitOpen();
            long oldExpiry = open.get("expires").asLong();
            assertThat(oldExpiry).isEqualTo(identity(c.tunnel()).expiresAt().toEpochMilli());

            String longer = token("alice", 300, NEWS);
            JsonNode ack = server.events(refresh(c.tunnel(), longer, "r1")).get(0);
            assertThat(ack.get("ok").asBoolean()).as("%s", ack).isTrue();
            assertThat(ack.get("ref").asText()).isEqualTo("r1");
            Instant newExpiry = identity(c.tunnel()).expiresAt();
            assertThat(ack.get("expires").asLong()).isEqualTo(newExpiry.toEpochMilli());
            assertThat(newExpiry).isAfter(Instant.ofEpochMilli(oldExpiry).plusSeconds(200));

            // /sports/* is no longer allowed: removed, and the client is told.
            JsonNode unsubscribed = c.awaitControl("/meta/unsubscribed", Duration.ofSeconds(10));
            assertThat(unsubscribed.get("data").toString())
                    .isEqualTo("{\"path\":\"/sports/*\",\"subpaths\":false,\"reason\":\"forbidden\"}");
            assertThat(unsubscribed.get("id").asText()).isNotEmpty();

            outlive(oldExpiry);
            server.publish("[{\"path\":\"/sports/a\",\"data\":\"gone\"},{\"path\":\"/news/a\",\"data\":\"alive\"}]");
            assertThat(c.next().get("data").asText()).isEqualTo("alive");
            assertThat(c.pending()).isEmpty();
            assertThat(c.ended()).isFalse();
            assertThat(c.controls()).noneMatch(d -> d.path("path").asText().equals("/meta/close"));
        }
    }

    @Test
    void aRefreshOverGetEventsAndOverTheWebSocketExtendsTheTunnel() {
        String shortLived = token("bob", 3, NEWS_AND_SPORTS);
        try (WsClient ws =
                WsClient.connect(server, "new=1&subscribe=/news/*&subscribe=/sports/*&token=" + shortLived)) {
            JsonNode open = ws.next("/meta/open").get("data");
            String tunnel = open.get("tunnel").asText();
            long oldExpiry = open.get("expires").asLong();

            // GET /events, keeping both interests ...
            String both = token("bob", 120, NEWS_AND_SPORTS);
            TestServer.Response r = server.get("/events?tunnel=" + tunnel + "&path=/meta/refresh&data="
                    + URLEncoder.encode("{\"token\":\"" + both + "\"}", StandardCharsets.UTF_8) + "&id=g");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get(0).get("ok").asBoolean()).as(r.body()).isTrue();
            assertThat(identity(tunnel).expiresAt())
                    .isAfter(Instant.ofEpochMilli(oldExpiry).plusSeconds(100));

            // ... then over the socket, narrowing them.
            ws.send(refresh(null, token("bob", 300, NEWS), "w"));
            JsonNode unsubscribed = ws.next("/meta/unsubscribed").get("data");
            assertThat(unsubscribed.get("path").asText()).isEqualTo("/sports/*");
            JsonNode ack = ws.next("/meta/ack").get("data");
            assertThat(ack.get("ok").asBoolean()).as("%s", ack).isTrue();
            assertThat(ack.get("ref").asText()).isEqualTo("w");
            assertThat(ack.get("expires").asLong())
                    .isEqualTo(identity(tunnel).expiresAt().toEpochMilli());

            outlive(oldExpiry);
            server.publish("[{\"path\":\"/sports/a\",\"data\":\"gone\"},{\"path\":\"/news/a\",\"data\":\"alive\"}]");
            assertThat(AccessGateTest.wsNextDatagram(ws).get("data").asText()).isEqualTo("alive");
        }
    }

    @Test
    void refusalsLeaveTheIdentityUnchangedAndTheTunnelEndsAtItsOldExpiry() {
        String shortLived = token("carol", 4, NEWS_AND_SPORTS);
        try (TunnelClient c = TunnelClient.open(server.port(), "sse", Tokens.bearer(shortLived), "subscribe=/news/*")) {
            c.awaitOpen();
            String t = c.tunnel();
            Identity before = identity(t);
            JsonNode acks = server.events("[" + refresh(t, token("mallory", 300, NEWS), "other-subject") + ","
                    + refresh(
                            t,
                            Tokens.hs256(
                                    Tokens.claims("carol", 300, NEWS, null),
                                    "another-secret-with-at-least-32-bytes-of-it"),
                            "bad-signature")
                    + ","
                    + refresh(t, token("carol", -60, NEWS), "expired") + ","
                    + refresh(t, null, "no-token") + "]");
            assertThat(acks.get(0).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(0).get("message").asText()).contains("another subject");
            assertThat(acks.get(1).get("error").asText()).isEqualTo("unauthorized");
            assertThat(acks.get(2).get("error").asText()).isEqualTo("unauthorized");
            assertThat(acks.get(3).get("error").asText()).isEqualTo("bad-request");
            assertThat(acks).noneMatch(a -> a.has("expires"));
            assertThat(identity(t)).isSameAs(before);

            JsonNode close =
                    c.awaitControl("/meta/close", Duration.ofSeconds(15)).get("data");
            assertThat(close.get("reason").asText()).isEqualTo("expired");
            assertThat(c.controls()).noneMatch(d -> d.path("path").asText().equals("/meta/unsubscribed"));
        }
    }

    @Test
    void anAnonymousTunnelCannotRefresh() {
        try (TunnelClient c = TunnelClient.open(server.port(), "sse", "subscribe=/public/*")) {
            JsonNode open = c.awaitOpen();
            assertThat(open.has("expires"))
                    .as("anonymous credentials do not expire")
                    .isFalse();
            JsonNode ack = server.events(refresh(c.tunnel(), token("alice", 300, NEWS), "a"))
                    .get(0);
            assertThat(ack.get("error").asText()).isEqualTo("forbidden");
            assertThat(ack.get("message").asText()).contains("anonymous");
            assertThat(identity(c.tunnel()).isAnonymous()).isTrue();
        }
    }

    @Test
    void refreshesAreRateLimitedLikeEveryClientDatagram() {
        try (TunnelClient c = TunnelClient.open(server.port(), "sse", Tokens.bearer(token("dan", 300, NEWS)))) {
            c.awaitOpen();
            String fresh = token("dan", 600, NEWS);
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 5; i++) {
                body.append(i > 0 ? "," : "").append(refresh(c.tunnel(), fresh, "r" + i));
            }
            JsonNode acks = server.events(body.append(']').toString());
            for (int i = 0; i < 4; i++) {
                assertThat(acks.get(i).get("ok").asBoolean())
                        .as("%s", acks.get(i))
                        .isTrue();
            }
            assertThat(acks.get(4).get("error").asText()).isEqualTo("rate-limited");
        }
    }
}
