package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.Limits;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * One client (address 127.0.0.2) floods client events and opens tunnels past its limit while five
 * well-behaved clients receive a steady stream. Asserts robust properties only: the abuser is limited
 * ({@code rate-limited}, {@code too-many}), the well-behaved clients lose nothing and can still open
 * tunnels. The latency they see before and during the abuse is measured and printed, not asserted.
 */
class AbuseTest {
    static final int GOOD = 5;
    static final int PINGS = 100;
    static final int TUNNEL_LIMIT = 20;

    @Test
    void anAbusiveClientIsLimitedWhileOthersKeepTheirService() throws Exception {
        Limits limits =
                Limits.defaults().withEventsPerSecond(50).withEventsBurst(100).withMaxTunnelsPerAddress(TUNNEL_LIMIT);
        try (TestServer server =
                TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withLimits(limits)))) {
            List<TunnelClient> good = new ArrayList<>();
            for (int i = 0; i < GOOD; i++) {
                TunnelClient c = server.open(i % 2 == 0 ? "sse" : "stream", "subscribe=/good/*");
                c.awaitOpen();
                good.add(c);
            }
            try {
                pings(server, good, "warm-up"); // JIT and connection warm-up, not measured
                long[] calm = pings(server, good, "calm");

                List<RawHttp> abuserTunnels = Collections.synchronizedList(new ArrayList<>());
                AtomicLong opened = new AtomicLong();
                AtomicLong refusedOpens = new AtomicLong();
                AtomicLong accepted = new AtomicLong();
                AtomicLong limited = new AtomicLong();
                AtomicBoolean stop = new AtomicBoolean();
                ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
                String floodTunnel;
                try (TunnelClient abuser = server.open("sse", "subscribe=/flood/*")) {
                    floodTunnel = abuser.awaitOpen().get("tunnel").asText();
                    Thread opener = new Thread(
                            () -> {
                                try {
                                    for (int i = 0; i < 3 * TUNNEL_LIMIT && !stop.get(); i++) {
                                        RawHttp h = RawHttp.request(
                                                "127.0.0.2",
                                                server.port(),
                                                "GET",
                                                "/tunnel?format=sse&new=1&subscribe=/flood/*",
                                                Map.of(),
                                                null);
                                        if (h.status() == 200) {
                                            opened.incrementAndGet();
                                            abuserTunnels.add(h);
                                        } else {
                                            assertThat(h.status()).isEqualTo(429);
                                            refusedOpens.incrementAndGet();
                                            h.close();
                                        }
                                    }
                                } catch (Throwable e) {
                                    failures.add(e);
                                }
                            },
                            "abuser-opener");
                    List<Thread> flooders = new ArrayList<>();
                    String batch = batch(floodTunnel, 100);
                    for (int f = 0; f < 2; f++) {
                        Thread t = new Thread(
                                () -> {
                                    try {
                                        while (!stop.get()) {
                                            for (JsonNode a : server.events(batch)) {
                                                if (a.path("ok").asBoolean()) {
                                                    accepted.incrementAndGet();
                                                } else {
                                                    assertThat(a.get("error").asText())
                                                            .isEqualTo("rate-limited");
                                                    limited.incrementAndGet();
                                                }
                                            }
                                        }
                                    } catch (Throwable e) {
                                        failures.add(e);
                                    }
                                },
                                "abuser-flood-" + f);
                        flooders.add(t);
                    }
                    opener.start();
                    flooders.forEach(Thread::start);

                    long[] abused = pings(server, good, "abused");
                    // Well-behaved clients can still open tunnels from their own address.
                    try (TunnelClient late = server.open("longpoll", "subscribe=/good/*")) {
                        late.awaitOpen();
                    }

                    stop.set(true);
                    opener.join(10_000);
                    for (Thread t : flooders) {
                        t.join(10_000);
                    }
                    assertThat(failures).isEmpty();
                    assertThat(opened.get()).isLessThanOrEqualTo(TUNNEL_LIMIT);
                    assertThat(refusedOpens.get()).isPositive();
                    assertThat(limited.get()).isPositive();
                    System.out.printf(
                            "abuse: abuser opened %d tunnels, %d refused (too-many); flood: %d accepted, %d rate-limited%n",
                            opened.get(), refusedOpens.get(), accepted.get(), limited.get());
                    System.out.printf(
                            "latency publish->receive over %d well-behaved tunnels, %d pings each:%n", GOOD, PINGS);
                    System.out.println("  calm:   " + summary(calm));
                    System.out.println("  abused: " + summary(abused));
                } finally {
                    abuserTunnels.forEach(RawHttp::close);
                }
            } finally {
                good.forEach(TunnelClient::close);
            }
        }
    }

    /**
     * Publishes {@code PINGS} datagrams 10 ms apart, each carrying its send time; every good client must
     * receive every one, in order. Returns the publish-to-arrival latencies in microseconds.
     */
    private static long[] pings(TestServer server, List<TunnelClient> good, String phase) {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        for (TunnelClient c : good) {
            c.observe(d ->
                    latencies.add((System.nanoTime() - d.get("data").get("t").asLong()) / 1000));
        }
        for (int i = 0; i < PINGS; i++) {
            server.publish(
                    "{\"path\":\"/good/" + phase + "\",\"data\":{\"i\":" + i + ",\"t\":" + System.nanoTime() + "}}");
            LockSupport.parkNanos(10_000_000); // pacing of the well-behaved publisher, not a wait for a result
        }
        for (TunnelClient c : good) {
            List<JsonNode> got = c.await(PINGS, Duration.ofSeconds(30));
            for (int i = 0; i < PINGS; i++) {
                assertThat(got.get(i).get("data").get("i").asInt()).isEqualTo(i);
            }
            c.observe(null);
        }
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    private static String batch(String tunnel, int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i > 0 ? "," : "")
                    .append("{\"tunnel\":\"")
                    .append(tunnel)
                    .append("\",\"path\":\"/flood/x\",\"data\":")
                    .append(i)
                    .append('}');
        }
        return sb.append(']').toString();
    }

    private static String summary(long[] micros) {
        long[] s = micros.clone();
        java.util.Arrays.sort(s);
        return String.format(
                "p50 %d us, p99 %d us, max %d us", s[s.length / 2], s[(int) (s.length * 0.99)], s[s.length - 1]);
    }
}
