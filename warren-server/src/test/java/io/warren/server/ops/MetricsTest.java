package io.warren.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.broker.SwitchableBroker;
import io.warren.server.config.OperationsOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** /metrics after real traffic; /healthz and /readyz, with a reachable and an unreachable broker. */
class MetricsTest {

    static double value(String metrics, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("series %s in:%n%s", series, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void metricsReflectRealTraffic() {
        try (TestServer server = TestServer.start()) {
            TunnelClient sse = server.open("sse", "subscribe=/news/*");
            TunnelClient poll = server.open("longpoll", "subscribe=/news/*");
            sse.awaitOpen();
            poll.awaitOpen();
            for (int i = 0; i < 5; i++) {
                server.publish("{\"path\":\"/news/today\",\"data\":" + i + "}");
            }
            sse.await(5, Duration.ofSeconds(10));
            poll.await(5, Duration.ofSeconds(10));
            assertThat(server.post("/publish", "{nope").status()).isEqualTo(400);
            assertThat(server.get("/tunnel?format=carrier-pigeon&new=1").status())
                    .isEqualTo(400);

            // Re-attach: once without loss (replay hit), once from an id the tunnel never had (gap).
            String last = sse.lastId();
            String tunnel = sse.tunnel();
            sse.drop();
            TunnelClient back = TunnelClient.attach(server.port(), "stream", tunnel, last);
            assertThat(back.awaitOpen().get("resumed").asBoolean()).isTrue();
            back.drop();
            TunnelClient gap = TunnelClient.attach(server.port(), "stream", tunnel, "zz-not-an-id");
            assertThat(gap.awaitOpen().get("gap").asBoolean()).isTrue();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String m = server.get("/metrics").body();
                assertThat(value(m, "warren_datagrams_published_total")).isEqualTo(5);
                assertThat(value(m, "warren_datagrams_delivered_total")).isEqualTo(10);
                assertThat(value(m, "warren_tunnels")).isEqualTo(2);
                assertThat(value(m, "warren_tunnels_attached{format=\"stream\"}"))
                        .isEqualTo(1);
                assertThat(value(m, "warren_tunnels_attached{format=\"sse\"}")).isEqualTo(0);
                assertThat(value(m, "warren_tunnels_detached"))
                        .as("the longpoll tunnel between polls, or not")
                        .isBetween(0.0, 1.0);
                assertThat(value(m, "warren_interests"))
                        .as("/news/* and two client paths")
                        .isEqualTo(3);
                assertThat(value(m, "warren_replay_hits_total")).isEqualTo(1);
                assertThat(value(m, "warren_replay_gaps_total")).isEqualTo(1);
                assertThat(value(m, "warren_errors_total{code=\"bad-json\"}")).isEqualTo(1);
                assertThat(value(m, "warren_errors_total{code=\"unknown-format\"}"))
                        .isEqualTo(1);
                // Sampled once per datagram and shard batch: at least once per datagram, never per tunnel more.
                double samples = value(m, "warren_delivery_latency_seconds_count");
                assertThat(samples).isBetween(5.0, 10.0);
                assertThat(value(m, "warren_delivery_latency_seconds_bucket{le=\"+Inf\"}"))
                        .isEqualTo(samples);
                assertThat(value(m, "warren_bytes_out_bytes_total")).isGreaterThan(1000);
                assertThat(value(m, "netty_allocator_memory_used_bytes{type=\"direct\"}"))
                        .isGreaterThanOrEqualTo(0);
                assertThat(m)
                        .contains(
                                "jvm_memory_used_bytes{",
                                "jvm_gc_",
                                "process_files_open_files",
                                "jvm_threads_live_threads");
                assertThat(m).contains("warren_slow_consumer_closes_total 0.0", "warren_tunnels_culled_total 0.0");
                // Fed by the engine's presence fanout (counted there: PresenceResyncTest); nothing dropped here.
                assertThat(value(m, "warren_presence_dropped_total")).isEqualTo(0);
            });
            gap.close();
            poll.close();
        }
    }

    @Test
    void culledTunnelsAreCounted() {
        try (TestServer server =
                TestServer.start(o -> o.withNode(o.node().withTunnelTimeout(Duration.ofMillis(300))))) {
            TunnelClient c = server.open("stream");
            c.awaitOpen();
            c.drop();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String m = server.get("/metrics").body();
                assertThat(value(m, "warren_tunnels_culled_total")).isEqualTo(1);
                assertThat(value(m, "warren_tunnels")).isEqualTo(0);
                assertThat(value(m, "warren_tunnels_detached")).isEqualTo(0);
            });
        }
    }

    @Test
    void metricsCanBeTurnedOff() {
        try (TestServer server = TestServer.start(
                o -> o, b -> b.operations(OperationsOptions.defaults().withMetrics(false)))) {
            TestServer.Response r = server.get("/metrics");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().get("error").asText()).isEqualTo("not-found");
        }
    }

    @Test
    void healthAndReadiness() {
        try (TestServer server = TestServer.start()) {
            TestServer.Response h = server.get("/healthz");
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.json().get("status").asText()).isEqualTo("ok");
            TestServer.Response r = server.get("/readyz");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("broker").asText()).isEqualTo("ok");
            assertThat(server.post("/healthz", "x").status()).isEqualTo(405);
        }
    }

    @Test
    void notReadyWhileTheBrokerIsUnreachable() {
        SwitchableBroker broker = new SwitchableBroker(false);
        try (TestServer server = TestServer.start(o -> o, b -> b.broker(broker))) {
            assertThat(server.get("/readyz").status()).isEqualTo(200);
            broker.down(true);
            TestServer.Response r = server.get("/readyz");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("status").asText()).isEqualTo("unready");
            assertThat(r.json().get("broker").asText()).contains("connection refused");
            assertThat(server.get("/healthz").status()).as("alive all the same").isEqualTo(200);
        }
    }
}
