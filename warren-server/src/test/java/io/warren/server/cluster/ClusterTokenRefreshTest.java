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
import io.warren.spi.Identity;
import io.warren.spi.Permissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: {@code /meta/refresh} in a cluster. Two real nodes with JWT authentication share one real Redis: a
 * refresh sent to the node not holding the tunnel is forwarded to its owner, and the tunnel's record then
 * carries the new expiry and permissions, so the node taking the tunnel over keeps them.
 */
class ClusterTokenRefreshTest extends OnTwoNodes {

    @Override
    protected TestServer node(RedisProcess redis) {
        return jwtNode(redis);
    }

    /** A node that authenticates with the test's JWT key. */
    static TestServer jwtNode(RedisProcess redis) {
        SecurityOptions.Jwt jwt =
                new SecurityOptions.Jwt(Tokens.SECRET, null, null, null, null, null, null, null, Duration.ZERO, false);
        return TestServer.start(o -> o.withCluster(ClusterOptions.redis(redis.uri()))
                .withSecurity(SecurityOptions.defaults().withJwt(jwt)));
    }

    static JsonNode refresh(TestServer via, String tunnel, String token) {
        return via.events("[{\"tunnel\":\"" + tunnel + "\",\"path\":\"/meta/refresh\",\"data\":{\"token\":\"" + token
                        + "\"},\"id\":\"r\"}]")
                .get(0);
    }

    @Test
    void aRefreshThroughTheOtherNodeIsForwardedAndATakeoverKeepsTheNewExpiryAndPermissions() {
        String shortLived = Tokens.hs256(Tokens.claims("frank", 4, List.of("/news/*", "/sports/*"), null));
        String tunnel;
        long oldExpiry;
        Instant newExpiry;
        try (TunnelClient onA = TunnelClient.open(
                a.port(), "sse", Tokens.bearer(shortLived), "subscribe=/news/*", "subscribe=/sports/*")) {
            oldExpiry = onA.awaitOpen().get("expires").asLong();
            tunnel = onA.tunnel();
            String longer = Tokens.hs256(Tokens.claims("frank", 300, List.of("/news/*"), null));
            // Right after the open answer, with no retry: the open waited for the tunnel's record
            // (ClusterOpenVisibilityTest).
            JsonNode ack = refresh(b, tunnel, longer);
            assertThat(ack.get("ok").asBoolean()).as("forwarded to A: %s", ack).isTrue();
            newExpiry = a.server().node().tunnel(tunnel).identity().expiresAt();
            assertThat(ack.get("expires").asLong()).isEqualTo(newExpiry.toEpochMilli());
            assertThat(onA.awaitControl("/meta/unsubscribed", Duration.ofSeconds(10))
                            .get("data")
                            .get("path")
                            .asText())
                    .isEqualTo("/sports/*");
            // A refusal through B is A's too, and changes nothing.
            String mallory = Tokens.hs256(Tokens.claims("mallory", 300, List.of("/**"), null));
            assertThat(refresh(b, tunnel, mallory).get("error").asText()).isEqualTo("forbidden");
            assertThat(a.server().node().tunnel(tunnel).identity().expiresAt()).isEqualTo(newExpiry);
        }
        try (TunnelClient onB = TunnelClient.attach(b.port(), "sse", tunnel, null)) {
            JsonNode open = onB.awaitOpen();
            assertThat(open.get("resumed").asBoolean())
                    .as("taken over, not replaced")
                    .isTrue();
            Identity taken = b.server().node().tunnel(tunnel).identity();
            assertThat(taken.expiresAt().toEpochMilli()).isEqualTo(newExpiry.toEpochMilli());
            assertThat(open.get("expires").asLong()).isEqualTo(newExpiry.toEpochMilli());
            Permissions p = (Permissions) taken.attributes().get(Permissions.ATTRIBUTE);
            assertThat(p.subscribe()).extracting(Object::toString).hasSize(1);
            // The new permissions hold on B: /sports/* no longer, /news/* still.
            JsonNode acks = b.events("[{\"tunnel\":\"" + tunnel + "\",\"path\":\"/meta/subscribe\",\"data\":"
                    + "{\"path\":\"/sports/*\"}},{\"tunnel\":\"" + tunnel + "\",\"path\":\"/meta/subscribe\",\"data\":"
                    + "{\"path\":\"/news/*\"}}]");
            assertThat(acks.get(0).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(1).get("ok").asBoolean()).isTrue();
            // And it outlives the old expiry there.
            Instant past = Instant.ofEpochMilli(oldExpiry).plusSeconds(2);
            await().atMost(Duration.ofSeconds(15)).until(() -> Instant.now().isAfter(past));
            b.publish("[{\"path\":\"/sports/a\",\"data\":\"gone\"},{\"path\":\"/news/a\",\"data\":\"alive\"}]");
            assertThat(onB.next().get("data").asText()).isEqualTo("alive");
            assertThat(onB.controls()).noneMatch(d -> d.path("path").asText().equals("/meta/close"));
        }
    }
}
