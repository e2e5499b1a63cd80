package io.warren.server.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.redis.RedisProcess;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.spi.Identity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle hooks in a cluster: two real nodes on a real redis-server, both posting to one receiver. Each
 * event is sent once, by the node where it happened: a tunnel opened on A and resumed on B is opened by A
 * (and not again by B, nor closed by A), a subscribe sent through B is reported by A (which served it), and
 * the tunnel is culled by B, where it lived last.
 */
class HookClusterTest {

    private static TestServer node(RedisProcess redis, HookReceiver receiver) {
        return TestServer.start(
                o -> o.withCluster(ClusterOptions.redis(redis.uri()))
                        .withNode(o.node().withTunnelTimeout(Duration.ofMillis(1500))),
                b -> b.hooks(receiver.options())
                        .authenticator(r -> CompletableFuture.completedFuture(new Identity("ann", Map.of()))));
    }

    @Test
    void aTunnelOpenedOnAAndResumedOnBIsOpenedByAAndCulledByB() {
        try (RedisProcess redis = RedisProcess.start();
                HookReceiver receiver = new HookReceiver();
                TestServer a = node(redis, receiver);
                TestServer b = node(redis, receiver)) {
            String nodeA = a.server().node().ids().tag();
            String nodeB = b.server().node().ids().tag();
            TunnelClient onA = a.open("sse", "subscribe=/moving");
            onA.awaitOpen();
            // Sent through B, served (and reported) by A, which holds the tunnel.
            assertThat(b.events("[{\"tunnel\":\"" + onA.tunnel()
                                    + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/via-b\"}}]")
                            .get(0)
                            .get("ok")
                            .asBoolean())
                    .isTrue();
            onA.drop();
            try (TunnelClient onB = TunnelClient.attach(b.port(), "sse", onA.tunnel(), null)) {
                assertThat(onB.awaitOpen().get("resumed").asBoolean()).isTrue();
                onB.drop();
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> receiver.accepted().stream()
                            .anyMatch(e -> e.get("type").asText().equals("culled")));
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);

            // Each id once (a retry after a missed deadline may repeat one), tagged with the node that sent it.
            Map<String, String> sender = new java.util.HashMap<>();
            for (HookReceiver.Request r : receiver.requests) {
                String from = r.body().get("node").asText();
                r.events().forEach(e -> sender.putIfAbsent(e.get("id").asText(), from));
            }
            List<String> seen = new ArrayList<>();
            for (JsonNode e : receiver.distinct()) {
                String from = sender.get(e.get("id").asText());
                String who = from.equals(nodeA) ? "A" : from.equals(nodeB) ? "B" : from;
                assertThat(e.get("client").asText()).isEqualTo(onA.client());
                seen.add(who + " " + e.get("type").asText()
                        + (e.has("path") ? " " + e.get("path").asText() : ""));
            }
            assertThat(seen).containsExactly("A open", "A subscribe /moving", "A subscribe /via-b", "B culled");
            assertThat(receiver.repeatedWithoutRetry()).isEmpty();
            assertThat(receiver.requests).allMatch(HookReceiver.Request::signed);
        }
    }
}
