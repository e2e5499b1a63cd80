package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.redis.RedisProcess;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.OnTwoNodes;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.spi.Identity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The backend's commands and publish ids across two real nodes on a real Redis: a command sent to node B
 * reaches a client's tunnel attached on A, a user's tunnels on both nodes, and a retry of a publish id on
 * B is not delivered again after A published it.
 */
class ClusterCommandsTest extends OnTwoNodes {

    @Override
    protected TestServer node(RedisProcess redis) {
        return TestServer.start(
                o -> o.withCluster(ClusterOptions.redis(redis.uri())),
                bld -> bld.authenticator(r -> CompletableFuture.completedFuture(
                        r.query("user") == null ? Identity.ANONYMOUS : new Identity(r.query("user"), Map.of()))));
    }

    @Test
    void aCommandToOneNodeReachesAClientAttachedOnTheOther() {
        try (TunnelClient onA = a.open("stream")) {
            onA.awaitOpen();
            TestServer.Response r =
                    b.post("/api/subscribe", "{\"client\":\"" + onA.client() + "\",\"path\":\"/cl/news\"}");
            assertThat(r.body()).isEqualTo("{\"tunnels\":1}");
            assertThat(onA.awaitControl("/meta/subscribed", Duration.ofSeconds(10))
                            .get("data")
                            .toString())
                    .isEqualTo("{\"path\":\"/cl/news\",\"subpaths\":false}");
            b.publish("{\"path\":\"/cl/news\",\"data\":\"via b\"}");
            assertThat(onA.next().get("data").asText()).isEqualTo("via b");

            assertThat(b.post("/api/subscribe", "{\"client\":\"NoSuchClient\",\"path\":\"/cl/news\"}")
                            .status())
                    .isEqualTo(404);
            assertThat(b.post("/api/disconnect", "{\"client\":\"" + onA.client() + "\",\"reason\":\"bye\"}")
                            .body())
                    .isEqualTo("{\"tunnels\":1}");
            assertThat(onA.awaitControl("/meta/close", Duration.ofSeconds(10))
                            .get("data")
                            .toString())
                    .isEqualTo("{\"reason\":\"bye\",\"reconnect\":false}");
            assertThat(b.post("/api/disconnect", "{\"client\":\"" + onA.client() + "\"}")
                            .status())
                    .as("gone cluster-wide")
                    .isEqualTo(404);
        }
    }

    @Test
    void aUserCommandReachesTheUsersTunnelsOnEveryNode() {
        try (TunnelClient onA = a.open("stream", "user=una");
                TunnelClient onB = b.open("sse", "user=una");
                TunnelClient other = a.open("stream", "user=otto")) {
            onA.awaitOpen();
            onB.awaitOpen();
            other.awaitOpen();
            TestServer.Response r =
                    a.post("/api/subscribe", "{\"user\":\"una\",\"path\":\"/cl/team\",\"subpaths\":true}");
            assertThat(r.body()).isEqualTo("{\"tunnels\":2}");
            onA.awaitControl("/meta/subscribed", Duration.ofSeconds(10));
            onB.awaitControl("/meta/subscribed", Duration.ofSeconds(10));
            a.publish("{\"path\":\"/cl/team/x\",\"data\":\"team\"}");
            assertThat(onA.next().get("data").asText()).isEqualTo("team");
            assertThat(onB.next().get("data").asText()).isEqualTo("team");
            b.publish("{\"path\":\"/client/" + other.client() + "\",\"data\":\"marker\"}");
            assertThat(other.next().get("data").asText()).isEqualTo("marker");

            assertThat(b.post("/api/disconnect", "{\"user\":\"una\",\"reconnect\":true}")
                            .body())
                    .isEqualTo("{\"tunnels\":2}");
            assertThat(onA.awaitControl("/meta/close", Duration.ofSeconds(10))
                            .get("data")
                            .get("reconnect")
                            .asBoolean())
                    .isTrue();
            onB.awaitControl("/meta/close", Duration.ofSeconds(10));
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(a.post("/api/subscribe", "{\"user\":\"una\",\"path\":\"/x\"}")
                                    .body())
                            .isEqualTo("{\"tunnels\":0}"));
        }
    }

    @Test
    void anUnsubscribeByUserReachesTheUsersTunnelsOnEveryNodeAndByClientTheOtherNode() {
        try (TunnelClient onA = a.open("stream", "user=uma", "subscribe=/cl/room", "subscribe=/cl/desk");
                TunnelClient onB = b.open("sse", "user=uma", "subscribe=/cl/room")) {
            onA.awaitOpen();
            onB.awaitOpen();
            assertThat(b.post("/api/unsubscribe", "{\"user\":\"uma\",\"path\":\"/cl/room\"}")
                            .body())
                    .isEqualTo("{\"tunnels\":2}");
            for (TunnelClient c : new TunnelClient[] {onA, onB}) {
                assertThat(c.awaitControl("/meta/unsubscribed", Duration.ofSeconds(10))
                                .get("data")
                                .get("path")
                                .asText())
                        .isEqualTo("/cl/room");
            }
            // By client id, sent to the node not holding it.
            assertThat(b.post("/api/unsubscribe", "{\"client\":\"" + onA.client() + "\",\"path\":\"/cl/desk\"}")
                            .body())
                    .isEqualTo("{\"tunnels\":1}");
            assertThat(onA.awaitControl("/meta/unsubscribed", Duration.ofSeconds(10))
                            .get("data")
                            .get("path")
                            .asText())
                    .isEqualTo("/cl/desk");
            // Nothing on the removed paths reaches either tunnel any more; the marker behind them does.
            a.publish("[{\"path\":\"/cl/room\",\"data\":\"gone\"},{\"path\":\"/cl/desk\",\"data\":\"gone\"}]");
            b.publish("{\"path\":\"/client/" + onA.client() + "\",\"data\":\"marker\"}");
            b.publish("{\"path\":\"/client/" + onB.client() + "\",\"data\":\"marker\"}");
            assertThat(onA.next().get("data").asText()).isEqualTo("marker");
            assertThat(onB.next().get("data").asText()).isEqualTo("marker");
            assertThat(a.post("/api/unsubscribe", "{\"user\":\"nobody\",\"path\":\"/cl/room\"}")
                            .body())
                    .isEqualTo("{\"tunnels\":0}");
        }
    }

    @Test
    void theSamePublishIdSentToBothNodesAtOnceIsDeliveredOnceWithOneDatagramId() {
        int ids = 10;
        try (TunnelClient onA = a.open("stream", "subscribe=/cl/race")) {
            onA.awaitOpen();
            for (int i = 0; i < ids; i++) {
                String body = "{\"path\":\"/cl/race\",\"data\":" + i + ",\"id\":\"race-" + i + "\"}";
                CompletableFuture<String> viaA = CompletableFuture.supplyAsync(
                        () -> a.publish(body).get(0).get("id").asText());
                CompletableFuture<String> viaB = CompletableFuture.supplyAsync(
                        () -> b.publish(body).get(0).get("id").asText());
                assertThat(viaB.join()).as("id race-%d", i).isEqualTo(viaA.join());
            }
            b.publish("{\"path\":\"/cl/race\",\"data\":\"end\"}");
            List<JsonNode> got = onA.await(ids + 1, Duration.ofSeconds(10));
            assertThat(got.get(ids).get("data").asText()).isEqualTo("end");
            assertThat(got.subList(0, ids))
                    .extracting(d -> d.get("data").asInt())
                    .as("each id delivered once")
                    .containsExactlyInAnyOrderElementsOf(
                            java.util.stream.IntStream.range(0, ids).boxed().toList());
        }
    }

    @Test
    void aPublishIdRetriedOnTheOtherNodeIsNotDeliveredAgain() {
        try (TunnelClient onA = a.open("stream", "subscribe=/cl/orders")) {
            onA.awaitOpen();
            String first = a.publish("{\"path\":\"/cl/orders\",\"data\":1,\"id\":\"cluster-order-1\"}")
                    .get(0)
                    .get("id")
                    .asText();
            String retry = b.publish("{\"path\":\"/cl/orders\",\"data\":1,\"id\":\"cluster-order-1\"}")
                    .get(0)
                    .get("id")
                    .asText();
            assertThat(retry).isEqualTo(first);
            b.publish("{\"path\":\"/cl/orders\",\"data\":2}");
            assertThat(onA.await(2, Duration.ofSeconds(10)))
                    .extracting(d -> d.get("data").asInt())
                    .containsExactly(1, 2);
        }
    }
}
