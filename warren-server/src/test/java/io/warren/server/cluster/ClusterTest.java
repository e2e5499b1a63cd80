package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.path.PathPattern;
import io.warren.redis.RedisProcess;
import io.warren.redis.RedisUnderTest;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.spi.HistoryRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three nodes sharing one real Redis behave, from a client's point of view, like one node: fan-out,
 * interests, client paths and resume on another node, over real HTTP in every format.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTest {
    RedisUnderTest redis;
    TestServer a;
    TestServer b;
    TestServer c;

    /** The Redis the three nodes share: one redis-server here; subclasses start a Redis Cluster. */
    RedisUnderTest startRedis() {
        return RedisProcess.start();
    }

    @BeforeAll
    void start() {
        redis = startRedis();
        String uri = redis.uri();
        a = node(uri);
        b = node(uri);
        c = node(uri);
    }

    @AfterAll
    void stop() {
        for (TestServer s : new TestServer[] {a, b, c}) {
            if (s != null) {
                s.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    static TestServer node(RedisUnderTest redis) {
        return node(redis.uri());
    }

    static TestServer node(String redisUri) {
        return TestServer.start(o -> o.withNode(o.node().withReplaySize(16))
                .withCluster(ClusterOptions.redis(redisUri))
                .withHistory(List.of(new HistoryRule(PathPattern.parse("/hist/**"), 3, Duration.ofHours(1)))));
    }

    static List<String> publish(TestServer via, String path, int from, int to) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = from; i < to; i++) {
            sb.append(i > from ? "," : "")
                    .append("{\"path\":\"")
                    .append(path)
                    .append("\",\"data\":")
                    .append(i)
                    .append('}');
        }
        List<String> ids = new ArrayList<>();
        via.publish(sb.append(']').toString()).forEach(ack -> {
            assertThat(ack.get("ok").asBoolean()).as("ack %s", ack).isTrue();
            ids.add(ack.get("id").asText());
        });
        return ids;
    }

    static List<String> ids(List<JsonNode> ds) {
        return ds.stream().map(d -> d.get("id").asText()).toList();
    }

    static List<String> idsOn(List<JsonNode> ds, String path) {
        return ds.stream()
                .filter(d -> d.get("path").asText().equals(path))
                .map(d -> d.get("id").asText())
                .toList();
    }

    @Test
    void aDatagramPublishedOnAnyNodeReachesEveryInterestedTunnelOnceInOrderPerPath() {
        try (TunnelClient onA = a.open("sse", "subscribe=/fan/*");
                TunnelClient onB = b.open("longpoll", "subscribe=/fan/**", "subscribe=/fan/x");
                TunnelClient onC = c.open("stream", "subscribe=/fan/x")) {
            onA.awaitOpen();
            onB.awaitOpen();
            onC.awaitOpen();
            List<String> x = new ArrayList<>();
            List<String> y = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                x.addAll(publish(a, "/fan/x", round * 4, round * 4 + 2));
                // A client event from the tunnel on C, published through C.
                JsonNode acks = c.events("[{\"tunnel\":\"" + onC.tunnel() + "\",\"path\":\"/fan/y\",\"data\":" + round
                        + "}," + "{\"tunnel\":\"" + onC.tunnel() + "\",\"path\":\"/fan/y\",\"data\":\"r" + round
                        + "\"}]");
                acks.forEach(ack -> y.add(ack.get("id").asText()));
                x.addAll(publish(b, "/fan/x", round * 4 + 2, round * 4 + 4));
            }
            List<JsonNode> gotA = onA.await(30, Duration.ofSeconds(15));
            List<JsonNode> gotB = onB.await(30, Duration.ofSeconds(15));
            List<JsonNode> gotC = onC.await(20, Duration.ofSeconds(15));
            for (List<JsonNode> got : List.of(gotA, gotB)) {
                assertThat(idsOn(got, "/fan/x")).containsExactlyElementsOf(x);
                assertThat(idsOn(got, "/fan/y")).containsExactlyElementsOf(y);
            }
            assertThat(ids(gotC)).containsExactlyElementsOf(x);
            assertThat(gotA.stream().filter(d -> d.get("path").asText().equals("/fan/y")))
                    .allSatisfy(d -> assertThat(d.get("from").asText()).isEqualTo(onC.client()));
            // Nothing twice: a marker published after everything is the very next datagram everywhere.
            String end = publish(c, "/fan/x", 99, 100).get(0);
            assertThat(onA.next().get("id").asText()).isEqualTo(end);
            assertThat(onB.next().get("id").asText()).isEqualTo(end);
            assertThat(onC.next().get("id").asText()).isEqualTo(end);
        }
    }

    @Test
    void anAcknowledgedInterestIsActiveOnEveryNode() {
        try (TunnelClient onB = b.open("stream")) {
            onB.awaitOpen();
            for (int i = 0; i < 15; i++) {
                String pattern = i % 3 == 0 ? "/ack/" + i : i % 3 == 1 ? "/ack/" + i + "/*" : "/ack/" + i + "/**";
                JsonNode ack = b.events("{\"tunnel\":\"" + onB.tunnel()
                        + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"" + pattern + "\"}}");
                assertThat(ack.get(0).get("ok").asBoolean()).as("%s", ack).isTrue();
                String path = i % 3 == 0 ? "/ack/" + i : "/ack/" + i + "/leaf";
                String id = publish(i % 2 == 0 ? a : c, path, i, i + 1).get(0);
                assertThat(onB.next().get("id").asText())
                        .as("published on another node right after the ack")
                        .isEqualTo(id);
            }
        }
    }

    @Test
    void clientPathsReachTheClientWhereverItIsAttached() {
        TunnelClient onC = c.open("sse");
        String client = onC.awaitOpen().get("client").asText();
        String first = publish(a, "/client/" + client, 0, 1).get(0);
        assertThat(onC.next().get("id").asText()).isEqualTo(first);
        onC.drop();
        try (TunnelClient onB = TunnelClient.attach(b.port(), "sse", onC.tunnel(), first)) {
            assertThat(onB.awaitOpen().get("resumed").asBoolean()).isTrue();
            String second = publish(a, "/client/" + client, 1, 2).get(0);
            assertThat(onB.next().get("id").asText()).isEqualTo(second);
            String third = publish(c, "/client/" + client, 2, 3).get(0);
            assertThat(onB.next().get("id").asText()).isEqualTo(third);
            assertThat(onB.pending()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe", "longpoll", "jsonp"})
    void aTunnelOpenedOnOneNodeResumesOnAnotherWithEverythingItMissed(String format) {
        String path = "/move/" + format;
        TunnelClient onA = a.open(format, "subscribe=" + path);
        JsonNode opened = onA.awaitOpen();
        List<String> before = publish(c, path, 0, 3);
        assertThat(ids(onA.await(3, Duration.ofSeconds(10)))).containsExactlyElementsOf(before);
        String last = onA.lastId();
        onA.drop();

        List<String> missed = publish(c, path, 3, 7);
        try (TunnelClient onB = TunnelClient.attach(b.port(), format, onA.tunnel(), last)) {
            if (!TunnelClient.isPoll(format)) {
                JsonNode open = onB.awaitOpen();
                assertThat(open.get("resumed").asBoolean()).isTrue();
                assertThat(open.has("gap")).as("nothing was lost: %s", open).isFalse();
                assertThat(open.get("tunnel").asText()).isEqualTo(onA.tunnel());
                assertThat(open.get("client").asText())
                        .isEqualTo(opened.get("client").asText());
            }
            assertThat(ids(onB.await(4, Duration.ofSeconds(10)))).containsExactlyElementsOf(missed);
            List<String> live = publish(a, path, 7, 9);
            assertThat(ids(onB.await(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(live);
            assertThat(onB.pending()).as("nothing twice").isEmpty();
            if (TunnelClient.isPoll(format)) {
                assertThat(onB.controls())
                        .as("an ordinary poll moved to another node is not a resume")
                        .isEmpty();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> a.server().node().tunnel(onA.tunnel()) == null);
    }

    @Test
    void aClientThatHadReceivedNothingStillGetsWhatItMissedOnAnotherNode() {
        TunnelClient onA = a.open("stream", "subscribe=/quiet");
        onA.awaitOpen();
        onA.drop();
        List<String> missed = publish(c, "/quiet", 0, 2);
        try (TunnelClient onB = TunnelClient.attach(b.port(), "stream", onA.tunnel(), null)) {
            JsonNode open = onB.awaitOpen();
            assertThat(open.get("resumed").asBoolean()).isTrue();
            assertThat(open.has("gap")).isFalse();
            assertThat(ids(onB.await(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(missed);
            assertThat(onB.pending()).isEmpty();
        }
    }

    @Test
    void reattachingOnAnotherNodeEndsTheOldConnection() {
        TunnelClient onA = a.open("sse", "subscribe=/old");
        onA.awaitOpen();
        try (TunnelClient onC = TunnelClient.attach(c.port(), "sse", onA.tunnel(), null)) {
            assertThat(onC.awaitOpen().get("resumed").asBoolean()).isTrue();
            JsonNode close = onA.awaitControl("/meta/close", Duration.ofSeconds(10));
            assertThat(close.get("data").get("reason").asText()).isEqualTo("superseded");
            await().atMost(Duration.ofSeconds(10)).until(onA::ended);
            assertThat(a.server().node().tunnel(onA.tunnel())).isNull();
            // The interest moved with the tunnel.
            String id = publish(b, "/old", 0, 1).get(0);
            assertThat(onC.next().get("id").asText()).isEqualTo(id);
            assertThat(onA.pending()).isEmpty();
        }
    }

    @Test
    void anInterestRegisteredAfterOpeningMovesWithTheTunnel() {
        TunnelClient onA = a.open("stream");
        onA.awaitOpen();
        JsonNode ack = a.events("{\"tunnel\":\"" + onA.tunnel()
                + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/later\",\"subpaths\":true}}");
        assertThat(ack.get(0).get("ok").asBoolean()).isTrue();
        onA.drop();
        try (TunnelClient onB = TunnelClient.attach(b.port(), "stream", onA.tunnel(), null)) {
            onB.awaitOpen();
            List<String> ids = publish(c, "/later/x", 0, 1);
            ids.addAll(publish(c, "/later", 1, 2));
            assertThat(ids(onB.await(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(ids);
        }
    }

    @Test
    void aLateSubscriberOnAnotherNodeGetsThePathsHistory() {
        List<String> old = publish(a, "/hist/room", 0, 4);
        try (TunnelClient onB = b.open("sse")) {
            onB.awaitOpen();
            JsonNode ack = b.events("{\"tunnel\":\"" + onB.tunnel()
                            + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/hist/room\",\"recent\":10}}")
                    .get(0);
            assertThat(ack.get("ok").asBoolean()).isTrue();
            assertThat(ids(onB.await(3, Duration.ofSeconds(10))))
                    .as("the last 3 kept")
                    .containsExactlyElementsOf(old.subList(1, 4));
            JsonNode since = b.events("{\"tunnel\":\"" + onB.tunnel()
                            + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/hist/room\",\"since\":\""
                            + old.get(0) + "\"}}")
                    .get(0);
            assertThat(since.get("gap").asBoolean())
                    .as("history no longer reaches back that far")
                    .isTrue();
            String live = publish(c, "/hist/room", 4, 5).get(0);
            assertThat(onB.next().get("id").asText()).isEqualTo(live);
            assertThat(onB.pending()).isEmpty();
        }
    }

    @Test
    void anUnknownTunnelIsReplacedOnAnyNode() {
        try (TunnelClient t = TunnelClient.attach(b.port(), "sse", "AAAAAAAAAAAAAAAAAAAAAAAA", null)) {
            JsonNode open = t.awaitOpen();
            assertThat(open.get("resumed").asBoolean()).isFalse();
            assertThat(open.get("replaced").asText()).isEqualTo("AAAAAAAAAAAAAAAAAAAAAAAA");
        }
    }
}
