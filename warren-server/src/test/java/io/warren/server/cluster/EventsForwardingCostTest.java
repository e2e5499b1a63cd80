package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.redis.RedisProcess;
import io.warren.redis.RedisUnderTest;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * What forwarding costs (issue 14, docs/cluster.md): the latency of a one-datagram {@code POST /events}
 * for a tunnel held by node A, sent to A itself and to B (which forwards it through Redis), alternating
 * request by request so both see the same machine load. Prints median and p99; asserts only that the
 * forwarded path stays within a generous bound of the direct one (a shared, noisy CI machine).
 *
 * <pre>mvn -o -q test -pl warren-server -am -Dtest=EventsForwardingCostTest -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class EventsForwardingCostTest {
    static final int WARMUP = 100;
    static final int MEASURED = 400;

    /** The Redis both nodes share: one redis-server here; subclasses start a Redis Cluster. */
    RedisUnderTest startRedis() {
        return RedisProcess.start();
    }

    @Test
    void aForwardedEventCostsAboutARedisRoundTripMore() {
        try (RedisUnderTest redis = startRedis()) {
            measure(redis.uri());
        }
    }

    private void measure(String uri) {
        try (TestServer a = TestServer.start(o -> o.withCluster(ClusterOptions.redis(uri)));
                TestServer b = TestServer.start(o -> o.withCluster(ClusterOptions.redis(uri)));
                TunnelClient direct = a.open("sse");
                TunnelClient forwarded = a.open("sse")) {
            direct.awaitOpen();
            forwarded.awaitOpen();
            long[] viaA = new long[MEASURED];
            long[] viaB = new long[MEASURED];
            for (int i = 0; i < WARMUP + MEASURED; i++) {
                long ta = timed(a, direct.tunnel(), i);
                long tb = timed(b, forwarded.tunnel(), i);
                if (i >= WARMUP) {
                    viaA[i - WARMUP] = ta;
                    viaB[i - WARMUP] = tb;
                }
            }
            Arrays.sort(viaA);
            Arrays.sort(viaB);
            System.out.printf(
                    "MEASURED %s: POST /events, %d requests each: via A (owner) median %d us, p99 %d us; via B (forwarded) median %d us, p99 %d us%n",
                    getClass().getSimpleName(), MEASURED, us(viaA, 50), us(viaA, 99), us(viaB, 50), us(viaB, 99));
            assertThat(Duration.ofNanos(pct(viaB, 50)))
                    .isLessThan(Duration.ofNanos(pct(viaA, 50)).plusMillis(50));
        }
    }

    private static long timed(TestServer via, String tunnel, int n) {
        long start = System.nanoTime();
        TestServer.Response r =
                via.post("/events", "{\"tunnel\":\"" + tunnel + "\",\"path\":\"/cost/x\",\"data\":" + n + "}");
        long took = System.nanoTime() - start;
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get(0).get("ok").asBoolean()).as(r.body()).isTrue();
        return took;
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }

    private static long us(long[] sorted, int p) {
        return pct(sorted, p) / 1000;
    }
}
