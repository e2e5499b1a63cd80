package io.warren.server.cluster;

import static io.warren.server.cluster.ClusterTest.ids;
import static io.warren.server.cluster.ClusterTest.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.redis.RedisProcess;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults, for real: Redis is killed and restarted; a node in its own JVM is killed with SIGKILL, or
 * stalled with SIGSTOP and resumed with SIGCONT. The other node runs in-process.
 */
class ClusterFaultTest {
    private RedisProcess redis;
    private TestServer b;

    @BeforeEach
    void start() {
        redis = RedisProcess.start();
        b = ClusterTest.node(redis);
    }

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Test
    void redisRestartsTunnelsStayOpenLearnOfTheGapAndPublishingResumes() {
        try (TestServer a = ClusterTest.node(redis);
                TunnelClient stream = a.open("sse", "subscribe=/rr");
                TunnelClient poll = a.open("longpoll", "subscribe=/rr")) {
            stream.awaitOpen();
            poll.awaitOpen();
            String before = publish(b, "/rr", 0, 1).get(0);
            assertThat(stream.next().get("id").asText()).isEqualTo(before);
            assertThat(poll.next().get("id").asText()).isEqualTo(before);

            redis.stop();
            // Unreachable: publishing is refused at once (nothing queued, nothing acknowledged), tunnels stay open.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode ack = b.publish("{\"path\":\"/rr\",\"data\":0}").get(0);
                assertThat(ack.get("ok").asBoolean()).isFalse();
                assertThat(ack.get("error").asText()).isEqualTo("overloaded");
            });
            assertThat(stream.ended()).isFalse();
            redis.restart(); // empty: no persistence
            long restarted = System.nanoTime();

            // The stream stays open and is told that datagrams may have been lost meanwhile.
            JsonNode gap =
                    stream.awaitControl("/meta/open", Duration.ofSeconds(30)).get("data");
            assertThat(gap.get("gap").asBoolean()).isTrue();
            assertThat(gap.get("resumed").asBoolean()).isTrue();
            long gapMs = millisSince(restarted);
            assertThat(stream.ended()).isFalse();
            assertThat(poll.awaitControl("/meta/open", Duration.ofSeconds(30))
                            .get("data")
                            .get("gap")
                            .asBoolean())
                    .isTrue();

            // Publishing resumes once the publishing node reconnected too (until then it answers overloaded).
            String after = await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(
                            () -> {
                                JsonNode ack = b.publish("{\"path\":\"/rr\",\"data\":1}")
                                        .get(0);
                                return ack.get("ok").asBoolean() ? ack.get("id").asText() : null;
                            },
                            id -> id != null);
            System.out.println("MEASURED redis restart: gap told " + gapMs + " ms after Redis was back,"
                    + " publishing resumed after " + millisSince(restarted) + " ms");
            assertThat(stream.next().get("id").asText()).isEqualTo(after);
            assertThat(poll.next().get("id").asText()).isEqualTo(after);

            // The tunnel records were written again: the tunnel still resumes on the other node.
            stream.drop();
            try (TunnelClient moved = TunnelClient.attach(b.port(), "sse", stream.tunnel(), after)) {
                JsonNode open = moved.awaitOpen();
                assertThat(open.get("resumed").asBoolean()).isTrue();
                assertThat(open.has("gap")).isFalse();
                String next = publish(a, "/rr", 2, 3).get(0);
                assertThat(moved.next().get("id").asText()).isEqualTo(next);
            }
        }
    }

    @Test
    void afterALongOutageANodeReconnectsWithinASecondOfRedisReturning() throws InterruptedException {
        try (TestServer a = ClusterTest.node(redis);
                TunnelClient stream = a.open("sse", "subscribe=/long")) {
            stream.awaitOpen();
            redis.stop();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !a.publish("{\"path\":\"/long\",\"data\":0}")
                            .get(0)
                            .get("ok")
                            .asBoolean());
            // The outage itself (nothing to await): long enough that Lettuce's default back-off would
            // next try 16 s later; the node's cap keeps attempts at most a second apart.
            Thread.sleep(17_000);
            redis.restart();
            long back = System.nanoTime();
            String id = await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> {
                                JsonNode ack = a.publish("{\"path\":\"/long\",\"data\":1}")
                                        .get(0);
                                return ack.get("ok").asBoolean() ? ack.get("id").asText() : null;
                            },
                            x -> x != null);
            long resumedMs = millisSince(back);
            System.out.println(
                    "MEASURED redis back after a 17 s outage: publishing resumed after " + resumedMs + " ms");
            assertThat(resumedMs).isLessThan(3_000);
            assertThat(stream.awaitControl("/meta/open", Duration.ofSeconds(10))
                            .get("data")
                            .get("gap")
                            .asBoolean())
                    .isTrue();
            // The first publish may precede the Pub/Sub re-subscription (that is what the gap covers);
            // one published after the gap is delivered.
            String live = publish(a, "/long", 2, 3).get(0);
            List<String> got = new java.util.ArrayList<>();
            while (!got.contains(live)) {
                got.add(stream.next().get("id").asText());
            }
            assertThat(got).as("nothing twice").doesNotHaveDuplicates().endsWith(live);
            assertThat(got).isSubsetOf(id, live);
        }
    }

    @Test
    void aKilledNodesClientsResumeElsewhereWithEverythingInTheReplayWindowExactlyOnce() {
        try (NodeProcess a = NodeProcess.start("--redis=" + redis.uri())) {
            TunnelClient sse = TunnelClient.open(a.port(), "sse", "subscribe=/kill/*");
            TunnelClient poll = TunnelClient.open(a.port(), "longpoll", "subscribe=/kill/**");
            sse.awaitOpen();
            poll.awaitOpen();
            List<String> before = publish(b, "/kill/a", 0, 3);
            assertThat(ids(sse.await(3, Duration.ofSeconds(10)))).containsExactlyElementsOf(before);
            assertThat(ids(poll.await(3, Duration.ofSeconds(10)))).containsExactlyElementsOf(before);

            a.kill();
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(sse::ended);
            List<String> missed = publish(b, "/kill/a", 3, 8);

            try (TunnelClient sse2 = TunnelClient.attach(b.port(), "sse", sse.tunnel(), sse.lastId());
                    TunnelClient poll2 = TunnelClient.attach(b.port(), "longpoll", poll.tunnel(), poll.lastId())) {
                JsonNode open = sse2.awaitOpen();
                assertThat(open.get("resumed").asBoolean()).isTrue();
                assertThat(open.has("gap")).isFalse();
                assertThat(ids(sse2.await(5, Duration.ofSeconds(15)))).containsExactlyElementsOf(missed);
                assertThat(ids(poll2.await(5, Duration.ofSeconds(15)))).containsExactlyElementsOf(missed);
                System.out.println("MEASURED kill -9 node: clients resumed elsewhere with everything "
                        + millisSince(killed) + " ms after SIGKILL (they reconnect at once)");
                List<String> live = publish(b, "/kill/a", 8, 10);
                assertThat(ids(sse2.await(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(live);
                assertThat(ids(poll2.await(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(live);
                assertThat(sse2.pending()).isEmpty();
                assertThat(poll2.pending()).isEmpty();
                assertThat(poll2.controls())
                        .as("no gap, no resume notice for polls")
                        .isEmpty();
            }
            poll.drop();
        }
    }

    @Test
    void aNodeStalledLongerThanTheTimeoutLeavesNoDuplicateTunnelWhenItWakes() {
        try (NodeProcess a = NodeProcess.start("--redis=" + redis.uri(), "--tunnel-timeout=2s", "--keepalive=1s")) {
            // The client stays connected to A throughout: it never notices the stall on that socket.
            TunnelClient onA = TunnelClient.open(a.port(), "sse", "subscribe=/stall");
            onA.awaitOpen();
            String first = publish(b, "/stall", 0, 1).get(0);
            assertThat(onA.next().get("id").asText()).isEqualTo(first);

            a.stopProcess();
            try {
                // A cannot refresh its tunnel's record: it expires, the cluster-wide cull.
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> redis.command("EXISTS", "warren:t:" + onA.tunnel())
                                .equals(":0"));
                try (TunnelClient onB = TunnelClient.attach(b.port(), "sse", onA.tunnel(), first, "subscribe=/stall")) {
                    JsonNode open = onB.awaitOpen();
                    assertThat(open.get("resumed").asBoolean()).isFalse();
                    assertThat(open.get("replaced").asText()).isEqualTo(onA.tunnel());
                    a.continueProcess();
                    long woken = System.nanoTime();

                    // A wakes, learns that its record is gone, and ends the stale connection.
                    JsonNode close = onA.awaitControl("/meta/close", Duration.ofSeconds(20));
                    System.out.println("MEASURED SIGSTOP node past tunnel-timeout: stale connection ended "
                            + millisSince(woken) + " ms after SIGCONT");
                    assertThat(close.get("data").get("reason").asText()).isEqualTo("culled");
                    await().atMost(Duration.ofSeconds(10)).until(onA::ended);
                    String next = publish(b, "/stall", 1, 2).get(0);
                    assertThat(onB.next().get("id").asText()).isEqualTo(next);
                    assertThat(onB.pending()).isEmpty();
                    assertThat(onA.pending())
                            .as("the stale tunnel got nothing more")
                            .isEmpty();
                }
            } finally {
                a.continueProcess();
            }
        }
    }

    @Test
    void aNodeStalledWhileItsTunnelMovesEndsTheOldConnectionWhenItWakes() {
        try (NodeProcess a = NodeProcess.start("--redis=" + redis.uri(), "--tunnel-timeout=30s")) {
            TunnelClient onA = TunnelClient.open(a.port(), "sse", "subscribe=/moved");
            onA.awaitOpen();
            String first = publish(b, "/moved", 0, 1).get(0);
            assertThat(onA.next().get("id").asText()).isEqualTo(first);

            a.stopProcess();
            try {
                List<String> missed = publish(b, "/moved", 1, 3);
                try (TunnelClient onB = TunnelClient.attach(b.port(), "sse", onA.tunnel(), first)) {
                    JsonNode open = onB.awaitOpen();
                    assertThat(open.get("resumed").asBoolean()).isTrue();
                    assertThat(ids(onB.await(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(missed);
                    a.continueProcess();
                    long woken = System.nanoTime();

                    JsonNode close = onA.awaitControl("/meta/close", Duration.ofSeconds(20));
                    System.out.println("MEASURED SIGSTOP node while its tunnel moved: old connection ended "
                            + millisSince(woken) + " ms after SIGCONT");
                    assertThat(close.get("data").get("reason").asText()).isEqualTo("superseded");
                    await().atMost(Duration.ofSeconds(10)).until(onA::ended);
                    String next = publish(b, "/moved", 3, 4).get(0);
                    assertThat(onB.next().get("id").asText()).isEqualTo(next);
                    assertThat(onB.pending()).isEmpty();
                }
            } finally {
                a.continueProcess();
            }
        }
    }
}
