package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.PresenceOptions;
import io.warren.path.PathPattern;
import io.warren.redis.RedisCluster;
import io.warren.redis.RedisProcess;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.OnTwoNodes;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WsClient;
import io.warren.spi.ClientDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Presence and the backend's queries across two real nodes on one real Redis: a watcher on A hears a
 * client of B join and leave (its tunnel culled), the queries asked on either node see the clients of both
 * with their node, the member bound holds cluster-wide, and a dead node's entries go with their ttl.
 */
class ClusterPresenceTest extends OnTwoNodes {
    static final String KEY = "cluster-presence-key-0123456789";
    static final String AUTH = "Bearer " + KEY;
    static final Duration WAIT = Duration.ofSeconds(15);

    @Override
    protected TestServer node(RedisProcess redis) {
        return TestServer.start(o -> o.withCluster(ClusterOptions.redis(redis.uri()))
                .withPublishKey(KEY)
                .withNode(o.node()
                        .withTunnelTimeout(Duration.ofSeconds(2))
                        .withPresence(PresenceOptions.of(List.of("/chat/*", "/full/*"))
                                .withMaxMembers(2)))
                .withSecurity(o.security().withAnonymous(List.of("/chat/*", "/full/*", "/cp/**"), List.of())));
    }

    static JsonNode api(TestServer on, String pathAndQuery) {
        TestServer.Response r = on.get(pathAndQuery, "Authorization", AUTH);
        assertThat(r.status()).as("GET %s -> %s", pathAndQuery, r.body()).isEqualTo(200);
        return r.json();
    }

    static String tag(TestServer s) {
        return s.server().node().ids().tag();
    }

    static List<String> clients(JsonNode members) {
        List<String> out = new ArrayList<>();
        members.forEach(m -> out.add(m.get("client").asText()));
        return out;
    }

    static JsonNode subscribe(TestServer on, TunnelClient c, String path) {
        return on.events("{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"" + path
                        + "\"}}")
                .get(0);
    }

    @Test
    void aWatcherOnOneNodeHearsAClientOfTheOtherJoinAndLeave() {
        try (WsClient w = WsClient.connect(a, "new=1")) {
            String me = w.next("/meta/open").get("data").get("client").asText();
            w.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/chat/room\",\"presence\":true},\"id\":\"s\"}");
            assertThat(clients(w.next("/meta/presence").get("data").get("members")))
                    .containsExactly(me);
            assertThat(w.next("/meta/ack").get("data").get("ok").asBoolean()).isTrue();

            TunnelClient x = b.open("sse");
            x.awaitOpen();
            assertThat(subscribe(b, x, "/chat/room").get("ok").asBoolean()).isTrue();
            JsonNode joined = w.next("/meta/presence").get("data");
            assertThat(joined.toString())
                    .isEqualTo("{\"path\":\"/chat/room\",\"joined\":[{\"client\":\"" + x.client()
                            + "\",\"user\":null,\"info\":null}],\"left\":[]}");

            // Its connection drops and nothing comes back: culled after the tunnel timeout, then it leaves.
            x.drop();
            JsonNode left = w.next("/meta/presence").get("data");
            assertThat(left.get("joined")).isEmpty();
            assertThat(clients(left.get("left"))).containsExactly(x.client());
        }
    }

    @Test
    void theQueriesOnEitherNodeSeeTheClientsOfBothWithTheirNode() {
        try (TunnelClient onA = a.open("sse", "subscribe=/cp/q/a");
                TunnelClient onB = b.open("stream", "subscribe=/cp/q/*")) {
            onA.awaitOpen();
            onB.awaitOpen();
            List<String> both =
                    List.of(onA.client(), onB.client()).stream().sorted().toList();
            for (TestServer on : List.of(a, b)) {
                JsonNode who = api(on, "/api/presence?path=/cp/q/a");
                assertThat(who.get("count").asInt()).isEqualTo(2);
                assertThat(clients(who.get("clients"))).containsExactlyElementsOf(both);
                assertThat(api(on, "/api/paths?prefix=/cp/").toString())
                        .isEqualTo("{\"count\":2,\"paths\":[{\"path\":\"/cp/q/*\",\"count\":1},{\"path\":\"/cp/q/a\","
                                + "\"count\":1}],\"next\":null}");
                assertThat(api(on, "/api/clients/" + onA.client()).get("node").asText())
                        .isEqualTo(tag(a));
                JsonNode fromB = api(on, "/api/clients/" + onB.client());
                assertThat(fromB.get("node").asText()).isEqualTo(tag(b));
                // Written at open, before the connection attached; another node sees the attach with the
                // next refresh of the records.
                await().atMost(WAIT)
                        .until(() -> api(on, "/api/clients/" + onB.client())
                                .get("format")
                                .asText()
                                .equals("stream"));
            }
            assertThat(b.get("/api/clients/NoSuchClient", "Authorization", AUTH).status())
                    .isEqualTo(404);
        }
    }

    @Test
    void aPathHoldsAtMostMaxMembersAcrossNodes() {
        try (WsClient w = WsClient.connect(a, "new=1");
                TunnelClient x = b.open("sse");
                TunnelClient y = a.open("sse");
                WsClient late = WsClient.connect(b, "new=1")) {
            String me = w.next("/meta/open").get("data").get("client").asText();
            w.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/full/room\",\"presence\":true},\"id\":\"s\"}");
            w.next("/meta/presence");
            w.next("/meta/ack");
            x.awaitOpen();
            y.awaitOpen();
            assertThat(subscribe(b, x, "/full/room").get("ok").asBoolean()).isTrue();
            assertThat(clients(w.next("/meta/presence").get("data").get("joined")))
                    .containsExactly(x.client());
            // The path is full: y subscribes as usual but is neither recorded nor announced.
            assertThat(subscribe(a, y, "/full/room").get("ok").asBoolean()).isTrue();

            late.next("/meta/open");
            late.send(
                    "{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/full/room\",\"presence\":true},\"id\":\"l\"}");
            JsonNode snapshot = late.next("/meta/presence").get("data");
            assertThat(snapshot.get("count").asInt()).isEqualTo(2);
            assertThat(clients(snapshot.get("members")))
                    .containsExactlyElementsOf(
                            List.of(me, x.client()).stream().sorted().toList());
            // Neither y nor the late watcher was announced to the first watcher: its next presence
            // datagram is x leaving, nothing before.
            x.drop();
            JsonNode next = w.next("/meta/presence").get("data");
            assertThat(next.get("joined")).isEmpty();
            assertThat(clients(next.get("left"))).containsExactly(x.client());
        }
    }

    @Test
    void aDeadNodesEntriesAndMembersGoWithTheirTtl() {
        // A third member that writes like a node and then dies: it never removes what it wrote.
        RedisCluster dead = RedisCluster.connect(nodes.redis.uri(), RedisCluster.Options.defaults());
        ClientDirectory d = dead.directory();
        String ghost = "GhostClient" + System.nanoTime();
        try (WsClient w = WsClient.connect(b, "new=1")) {
            d.start((path, version, joined, left) -> {}).toCompletableFuture().join();
            String me = w.next("/meta/open").get("data").get("client").asText();
            w.send(
                    "{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/chat/ghosts\",\"presence\":true},\"id\":\"g\"}");
            w.next("/meta/presence");
            w.next("/meta/ack");
            Duration ttl = Duration.ofSeconds(1);
            ClientDirectory.Entry e = new ClientDirectory.Entry(
                    ghost, null, null, List.of(PathPattern.parse("/chat/ghosts")), true, "sse", "dead-node");
            d.put(List.of(e), ttl).toCompletableFuture().join();
            d.join("/chat/ghosts", e.member(), ttl, 10, 100)
                    .toCompletableFuture()
                    .join();
            d.close();
            assertThat(clients(w.next("/meta/presence").get("data").get("joined")))
                    .containsExactly(ghost);
            assertThat(api(a, "/api/clients/" + ghost).get("node").asText()).isEqualTo("dead-node");

            await().atMost(WAIT)
                    .until(() -> a.get("/api/clients/" + ghost, "Authorization", AUTH)
                                    .status()
                            == 404);
            assertThat(clients(api(b, "/api/presence?path=/chat/ghosts").get("clients")))
                    .as("the watcher alone")
                    .containsExactly(me);
            JsonNode left = w.next("/meta/presence").get("data");
            assertThat(clients(left.get("left"))).containsExactly(ghost);
        }
    }
}
