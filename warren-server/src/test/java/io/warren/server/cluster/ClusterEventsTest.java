package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.redis.RedisProcess;
import io.warren.redis.RedisUnderTest;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 14, {@code /events} on any node: a tunnel attached on node A sends its client datagrams through
 * node B (a round-robin balancer, no sticky sessions); B forwards them to A, which handles them as its
 * own. Two real nodes on a real Redis, real HTTP; the owner-killed and owner-frozen cases run the owner in
 * its own JVM. {@link ClusterEventsOnRedisClusterTest} runs every scenario on a Redis Cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterEventsTest {
    /** Per tunnel: a bucket of 20, refilled at 1 per second, so the rate test can drain it quickly. */
    static final int BURST = 20;

    RedisUnderTest redis;
    String redisUri;
    TestServer a;
    TestServer b;

    /** The Redis both nodes share: one redis-server here; subclasses start a Redis Cluster. */
    RedisUnderTest startRedis() {
        return RedisProcess.start();
    }

    /**
     * How long B may take to answer for an owner that was killed: on one Redis the forwarding script's
     * {@code PUBLISH} reaches no subscriber, so B knows at once (the bound leaves room for a loaded machine).
     */
    Duration killedOwnerAnsweredWithin() {
        return Duration.ofSeconds(3);
    }

    @BeforeAll
    void start() {
        redis = startRedis();
        redisUri = redis.uri();
        a = node();
        b = node();
    }

    @AfterAll
    void stop() {
        for (TestServer s : new TestServer[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    TestServer node() {
        return TestServer.start(o -> o.withCluster(ClusterOptions.redis(redisUri))
                .withSecurity(o.security()
                        .withLimits(o.security().limits().withEventsPerSecond(1).withEventsBurst(BURST))));
    }

    static String event(String tunnel, String path, String data, String ref) {
        return "{\"tunnel\":\"" + tunnel + "\",\"path\":\"" + path + "\",\"data\":" + data
                + (ref == null ? "" : ",\"id\":\"" + ref + "\"") + "}";
    }

    static String subscribe(String tunnel, String pattern) {
        return event(tunnel, "/meta/subscribe", "{\"path\":\"" + pattern + "\"}", null);
    }

    /** The ack without its datagram id, which differs per publish. */
    static String shape(JsonNode ack) {
        return ack.deepCopy()
                .<com.fasterxml.jackson.databind.node.ObjectNode>require()
                .put("id", ack.has("id") ? "ID" : null)
                .toString();
    }

    @Test
    void anSseTunnelOnASendsThroughBAndGetsTheAcksAAnswers() {
        try (TunnelClient onA = a.open("sse", "subscribe=/ev/**")) {
            onA.awaitOpen();
            String t = onA.tunnel();
            // The same mixed batch through each node: a publish, a refused control path, a bad path, a
            // repeated ref, an unsubscribe of nothing.
            String batch = "[" + event(t, "/ev/x", "{\"n\":1}", null) + "," + event(t, "/meta/nope", "1", "m")
                    + "," + event(t, "no-slash", "1", "p") + "," + event(t, "/ev/y", "[1,2]", "r1") + ","
                    + event(t, "/meta/unsubscribe", "{\"path\":\"/none\"}", "u") + "]";
            JsonNode viaA = a.events(batch.replace("\"r1\"", "\"rA\""));
            JsonNode viaB = b.events(batch.replace("\"r1\"", "\"rB\""));
            assertThat(viaB).hasSize(5);
            List<String> shapesA = new ArrayList<>();
            List<String> shapesB = new ArrayList<>();
            viaA.forEach(x -> shapesA.add(shape(x).replace("rA", "R")));
            viaB.forEach(x -> shapesB.add(shape(x).replace("rB", "R")));
            assertThat(shapesB).containsExactlyElementsOf(shapesA);
            assertThat(viaB.get(0).get("ok").asBoolean()).isTrue();
            assertThat(viaB.get(1).get("error").asText()).isEqualTo("forbidden");
            assertThat(viaB.get(2).get("error").asText()).isEqualTo("bad-path");
            // Delivered on A in order, with from set to the tunnel's client, whichever node took them.
            List<JsonNode> got = onA.await(4, Duration.ofSeconds(10));
            assertThat(ClusterTest.ids(got))
                    .containsExactly(
                            viaA.get(0).get("id").asText(),
                            viaA.get(3).get("id").asText(),
                            viaB.get(0).get("id").asText(),
                            viaB.get(3).get("id").asText());
            assertThat(got).allSatisfy(d -> assertThat(d.get("from").asText()).isEqualTo(onA.client()));
            assertThat(got.get(2).get("data").toString()).isEqualTo("{\"n\":1}");
            // GET /events through B too.
            TestServer.Response r = b.get("/events?tunnel=" + t + "&path=/ev/get&data=7");
            assertThat(r.status()).isEqualTo(200);
            assertThat(onA.next().get("id").asText())
                    .isEqualTo(r.json().get(0).get("id").asText());
        }
    }

    @Test
    void aSubscribeSentThroughBIsActiveOnTheTunnelBeforeTheAck() {
        try (TunnelClient onA = a.open("stream")) {
            onA.awaitOpen();
            String t = onA.tunnel();
            for (int i = 0; i < 4; i++) {
                JsonNode ack = b.events(subscribe(t, "/sub/" + i + "/*"));
                assertThat(ack.get(0).get("ok").asBoolean()).as("%s", ack).isTrue();
                String id = ClusterTest.publish(i % 2 == 0 ? a : b, "/sub/" + i + "/leaf", i, i + 1)
                        .get(0);
                assertThat(onA.next().get("id").asText())
                        .as("published right after the ack given by B")
                        .isEqualTo(id);
            }
            JsonNode off = b.events(event(t, "/meta/unsubscribe", "{\"path\":\"/sub/0/*\"}", null));
            assertThat(off.get(0).get("ok").asBoolean()).isTrue();
            ClusterTest.publish(a, "/sub/0/leaf", 0, 1);
            String marker = ClusterTest.publish(a, "/sub/1/leaf", 1, 2).get(0);
            assertThat(onA.next().get("id").asText())
                    .as("unsubscribed through B: only the marker arrives")
                    .isEqualTo(marker);
        }
    }

    @Test
    void theSameClientDatagramIdSentToAThenBIsDeliveredOnce() {
        try (TunnelClient onA = a.open("sse", "subscribe=/once/*")) {
            onA.awaitOpen();
            String t = onA.tunnel();
            String datagram = event(t, "/once/x", "\"hello\"", "retry-1");
            JsonNode first = a.events(datagram);
            JsonNode retried = b.events(datagram);
            JsonNode again = b.events(datagram);
            assertThat(retried).isEqualTo(first);
            assertThat(again).isEqualTo(first);
            String marker = ClusterTest.publish(b, "/once/y", 0, 1).get(0);
            List<JsonNode> got = onA.await(2, Duration.ofSeconds(10));
            assertThat(ClusterTest.ids(got))
                    .containsExactly(first.get(0).get("id").asText(), marker);
        }
    }

    @Test
    void theRateLimitOfATunnelCountsWhatEveryNodeSends() {
        try (TunnelClient onA = a.open("sse")) {
            onA.awaitOpen();
            String t = onA.tunnel();
            List<String> half = new ArrayList<>();
            for (int i = 0; i < BURST / 2; i++) {
                half.add(event(t, "/rate/x", Integer.toString(i), null));
            }
            String batch = "[" + String.join(",", half) + "]";
            assertThat(a.events(batch))
                    .allSatisfy(x -> assertThat(x.get("ok").asBoolean()).isTrue());
            assertThat(b.events(batch))
                    .allSatisfy(x -> assertThat(x.get("ok").asBoolean()).isTrue());
            // The bucket is empty, whichever node is asked next.
            assertThat(b.events(event(t, "/rate/x", "0", null))
                            .get(0)
                            .get("error")
                            .asText())
                    .isEqualTo("rate-limited");
            assertThat(a.events(event(t, "/rate/x", "0", null))
                            .get(0)
                            .get("error")
                            .asText())
                    .isEqualTo("rate-limited");
        }
    }

    @Test
    void aTunnelUnknownEverywhereIsA404OnBAsOnA() {
        String forged = "forgedTunnelId0123456789";
        String body = event(forged, "/x", "1", null);
        TestServer.Response onA = a.post("/events", body);
        TestServer.Response onB = b.post("/events", body);
        assertThat(onB.status()).isEqualTo(404);
        assertThat(onB.body()).isEqualTo(onA.body());
        assertThat(onB.json().get("error").asText()).isEqualTo("unknown-tunnel");
        // A real tunnel's id with one character changed: the same answer.
        try (TunnelClient onA2 = a.open("sse")) {
            onA2.awaitOpen();
            String t = onA2.tunnel();
            String near = t.substring(0, t.length() - 1) + (t.endsWith("A") ? "B" : "A");
            TestServer.Response nearB = b.post("/events", event(near, "/x", "1", null));
            assertThat(nearB.status()).isEqualTo(404);
            assertThat(nearB.body()).isEqualTo(onA.body());
        }
    }

    @Test
    void aDetachedTunnelHeldByAStillTakesDatagramsThroughB() {
        TunnelClient onA = a.open("sse", "subscribe=/det/*");
        onA.awaitOpen();
        String t = onA.tunnel();
        onA.drop();
        JsonNode ack = b.events(event(t, "/det/x", "1", null));
        assertThat(ack.get(0).get("ok").asBoolean()).as("%s", ack).isTrue();
        try (TunnelClient back = TunnelClient.attach(a.port(), "sse", t, onA.lastId())) {
            assertThat(back.next().get("id").asText())
                    .as("replayed on re-attach")
                    .isEqualTo(ack.get(0).get("id").asText());
        }
    }

    @Test
    void theOwnerKilledOrFrozenIsAnsweredOverloadedWithinTheTimeoutNeverOk() throws Exception {
        try (NodeProcess owner = NodeProcess.start("--redis=" + redisUri, "--tunnel-timeout=60s")) {
            TunnelClient frozen = TunnelClient.open(owner.port(), "sse");
            frozen.awaitOpen();
            TunnelClient killed = TunnelClient.open(owner.port(), "sse", "subscribe=/kill/*");
            killed.awaitOpen();
            assertThat(b.events(event(killed.tunnel(), "/kill/x", "1", null))
                            .get(0)
                            .get("ok")
                            .asBoolean())
                    .isTrue();

            // Frozen (SIGSTOP): B waits for the bounded timeout, then answers overloaded.
            owner.stopProcess();
            try {
                long start = System.nanoTime();
                TestServer.Response r = b.post("/events", event(frozen.tunnel(), "/kill/x", "2", "f1"));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(r.status()).as(r.body()).isEqualTo(503);
                assertThat(r.json().get("error").asText()).isEqualTo("overloaded");
                assertThat(r.header("retry-after")).isEqualTo("5");
                assertThat(took).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(5));
            } finally {
                owner.continueProcess();
            }
            // Woken: the retry with the same id is served (once, whatever the timed-out request did).
            JsonNode retry = b.events(event(frozen.tunnel(), "/kill/x", "2", "f1"));
            assertThat(retry.get(0).get("ok").asBoolean()).as("%s", retry).isTrue();

            // Killed (SIGKILL): its Redis connections die with it, so B knows (at once on one Redis).
            owner.kill();
            long start = System.nanoTime();
            TestServer.Response r = b.post("/events", event(killed.tunnel(), "/kill/x", "3", null));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("MEASURED " + getClass().getSimpleName() + ": /events for a killed owner answered "
                    + r.status() + " after " + took.toMillis() + " ms");
            assertThat(took).isLessThan(killedOwnerAnsweredWithin());
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.json().get("error").asText()).isEqualTo("overloaded");
            assertThat(r.header("retry-after")).isEqualTo("5");
            frozen.close();
            killed.close();
        }
    }

    @Test
    void redisUnreachableIsOverloadedAtOnceAndForwardingResumesWhenItIsBack() {
        try (RedisProcess own = RedisProcess.start();
                TestServer a2 = TestServer.start(o -> o.withCluster(ClusterOptions.redis(own.uri())));
                TestServer b2 = TestServer.start(o -> o.withCluster(ClusterOptions.redis(own.uri())));
                TunnelClient onA = a2.open("sse", "subscribe=/down/*")) {
            onA.awaitOpen();
            String t = onA.tunnel();
            own.stop();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                long start = System.nanoTime();
                TestServer.Response r = b2.post("/events", event(t, "/down/x", "1", null));
                assertThat(r.status()).as(r.body()).isEqualTo(503);
                assertThat(r.json().get("error").asText()).isEqualTo("overloaded");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            });
            own.restart(); // empty: the nodes write their tunnel records again once reconnected
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                TestServer.Response r = b2.post("/events", event(t, "/down/x", "2", "back"));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.json().get(0).get("ok").asBoolean()).as(r.body()).isTrue();
            });
            JsonNode d = onA.await(1, Duration.ofSeconds(10)).get(0);
            assertThat(d.get("data").asInt()).isEqualTo(2);
        }
    }
}
