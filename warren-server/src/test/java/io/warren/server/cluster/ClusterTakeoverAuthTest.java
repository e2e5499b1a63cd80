package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.redis.RedisProcess;
import io.warren.server.config.ClusterOptions;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.OnTwoNodes;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 4: a tunnel taken over by another node keeps its token's expiry and permissions.
 * Two real nodes with JWT authentication share one real Redis.
 */
class ClusterTakeoverAuthTest extends OnTwoNodes {
    static final List<String> NEWS = List.of("/news/*");

    @Override
    protected TestServer node(RedisProcess redis) {
        SecurityOptions.Jwt jwt =
                new SecurityOptions.Jwt(Tokens.SECRET, null, null, null, null, null, null, null, Duration.ZERO, false);
        return TestServer.start(o -> o.withCluster(ClusterOptions.redis(redis.uri()))
                .withSecurity(SecurityOptions.defaults().withJwt(jwt)));
    }

    static JsonNode event(TestServer via, String tunnel, String path, String data) {
        return via.events("[{\"tunnel\":\"" + tunnel + "\",\"path\":\"" + path + "\",\"data\":" + data + "}]")
                .get(0);
    }

    @Test
    void finding4_takeoverKeepsThePermissions() {
        String token = Tokens.hs256(Tokens.claims("alice", 300, NEWS, NEWS));
        String tunnel;
        try (TunnelClient onA = TunnelClient.open(a.port(), "sse", Tokens.bearer(token))) {
            onA.awaitOpen();
            tunnel = onA.tunnel();
        }
        try (TunnelClient onB = TunnelClient.attach(b.port(), "sse", tunnel, null)) {
            onB.awaitOpen();
            assertThat(b.server().node().tunnel(tunnel)).as("taken over by B").isNotNull();
            // Allowed by the claim: subscribe and publish under /news/*.
            JsonNode sub = event(b, tunnel, "/meta/subscribe", "{\"path\":\"/news/*\"}");
            assertThat(sub.get("ok").asBoolean()).as("subscribe %s", sub).isTrue();
            JsonNode pub = event(b, tunnel, "/news/a", "\"hello\"");
            assertThat(pub.get("ok").asBoolean()).as("publish %s", pub).isTrue();
            assertThat(onB.next().get("data").asText()).isEqualTo("hello");
            // Still nothing outside it (the permissions were not widened either).
            JsonNode other = event(b, tunnel, "/meta/subscribe", "{\"path\":\"/secret/*\"}");
            assertThat(other.get("error").asText()).isEqualTo("forbidden");
            assertThat(event(b, tunnel, "/secret/x", "1").get("error").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void finding5_aTakeoverCountsAgainstTheTunnelCapsAndARefusedOneLosesNothing() {
        SecurityOptions.Jwt jwt =
                new SecurityOptions.Jwt(Tokens.SECRET, null, null, null, null, null, null, null, Duration.ZERO, false);
        String token = Tokens.hs256(Tokens.claims("dora", 300, NEWS, null));
        try (TestServer capped = TestServer.start(o -> o.withCluster(ClusterOptions.redis(nodes.redis.uri()))
                        .withSecurity(SecurityOptions.defaults()
                                .withJwt(jwt)
                                .withLimits(io.warren.Limits.defaults().withMaxTunnelsPerAddress(1))));
                TunnelClient filler = TunnelClient.open(capped.port(), "sse", Tokens.bearer(token))) {
            filler.awaitOpen();
            String tunnel;
            try (TunnelClient onA = TunnelClient.open(a.port(), "sse", Tokens.bearer(token), "subscribe=/news/*")) {
                onA.awaitOpen();
                tunnel = onA.tunnel();
            }
            TestServer.Response refused = capped.get("/tunnel?format=longpoll&tunnel=" + tunnel);
            assertThat(refused.status()).as(refused.body()).isEqualTo(429);
            assertThat(refused.json().get("error").asText()).isEqualTo("too-many");
            assertThat(capped.server().node().tunnel(tunnel)).isNull();
            // The record outlives the refusal: the client resumes the same tunnel on a node with room.
            try (TunnelClient onB = TunnelClient.attach(b.port(), "sse", tunnel, null)) {
                JsonNode open = onB.awaitOpen();
                assertThat(onB.tunnel()).isEqualTo(tunnel);
                assertThat(open.has("replaced")).isFalse();
                a.publish("{\"path\":\"/news/x\",\"data\":\"resumed\"}");
                assertThat(onB.next().get("data").asText()).isEqualTo("resumed");
            }
        }
    }

    @Test
    void finding4_takeoverKeepsTheExpiry() {
        // JWT expiry has one-second resolution: 4 s leave room for a slow open and takeover.
        String shortLived = Tokens.hs256(Tokens.claims("carol", 4, NEWS, null));
        String tunnel;
        try (TunnelClient onA = TunnelClient.open(a.port(), "sse", Tokens.bearer(shortLived))) {
            onA.awaitOpen();
            tunnel = onA.tunnel();
        }
        try (TunnelClient onB = TunnelClient.attach(b.port(), "sse", tunnel, null)) {
            onB.awaitOpen();
            JsonNode close =
                    onB.awaitControl("/meta/close", Duration.ofSeconds(15)).get("data");
            assertThat(close.get("reason").asText()).isEqualTo("expired");
            await().atMost(Duration.ofSeconds(10)).until(onB::ended);
        }
        assertThat(b.server().node().tunnel(tunnel)).isNull();
        // Neither node lets the old token back in through the tunnel id.
        for (TestServer node : new TestServer[] {a, b}) {
            TestServer.Response again =
                    node.get("/tunnel?format=longpoll&tunnel=" + tunnel, "Authorization", "Bearer " + shortLived);
            assertThat(again.status()).isEqualTo(401);
        }
    }
}
