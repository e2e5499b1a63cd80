package io.warren.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's own rules: what it cannot measure it refuses before opening a socket, and a cluster's
 * publishes alternate between its nodes.
 */
class LoadGeneratorRulesTest {
    @TempDir
    Path dir;

    @Test
    void nchanIsNeverDrivenOverWebSocket() {
        PrintStream out = new PrintStream(PrintStream.nullOutputStream());
        assertThatThrownBy(() -> new Worker("127.0.0.1", 1, Target.NCHAN, "ws", Layout.broadcast(1), 0, 1, 1, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EventSource");
    }

    @Test
    void aMissingRedisServerIsAClearError() {
        String absent = dir.resolve("no-such-redis-server").toString();
        assertThat(ServerProcess.Redis.available(absent)).isFalse();
        assertThatThrownBy(() -> new ServerProcess.Redis(dir, absent))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("apt-get install redis-server");
    }

    @Test
    void publishesAlternateBetweenNodes() throws Exception {
        // Two stand-in nodes that answer every publish ok and count them.
        List<HttpServer> nodes = new ArrayList<>();
        List<AtomicInteger> counts = new ArrayList<>();
        try {
            for (int n = 0; n < 2; n++) {
                AtomicInteger count = new AtomicInteger();
                HttpServer h = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
                h.createContext("/publish", x -> {
                    x.getRequestBody().readAllBytes();
                    count.incrementAndGet();
                    byte[] ok = "[{\"ok\":true}]".getBytes(StandardCharsets.UTF_8);
                    x.sendResponseHeaders(200, ok.length);
                    x.getResponseBody().write(ok);
                    x.close();
                });
                h.start();
                nodes.add(h);
                counts.add(count);
            }
            List<Integer> ports =
                    nodes.stream().map(h -> h.getAddress().getPort()).toList();
            try (Publisher p = new Publisher("127.0.0.1", ports, Target.WARREN, Layout.paths(4, 2, 1))) {
                p.run(100, 1, TimeUnit.MILLISECONDS.toNanos(200)); // 20 ops; returns when all are answered
                assertThat(p.total()).isEqualTo(20);
                assertThat(p.errors()).isZero();
            }
            assertThat(counts).extracting(AtomicInteger::get).containsExactly(10, 10);
        } finally {
            nodes.forEach(h -> h.stop(0));
        }
    }
}
