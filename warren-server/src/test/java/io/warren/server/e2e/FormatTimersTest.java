package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.config.ServerOptions;
import io.warren.server.config.WarrenConfig;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, keepalive per transport: each format has its own keepalive interval, poll timeout and (ws)
 * ping interval from {@code formats:}, the global values where it sets none; {@code /meta/open} says what
 * the connection really gets (a poll's silence is its poll timeout).
 */
class FormatTimersTest {
    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path yml = dir.resolve("warren.yml");
        Files.writeString(yml, """
                keepalive: 2s
                poll-timeout: 1500ms
                formats:
                  stream:
                    keepalive-interval: 150ms
                  sse:
                    keepalive-interval: 900ms
                  longpoll:
                    poll-timeout: 300ms
                  ws:
                    keepalive-interval: 5s
                    ping-interval: 200ms
                """);
        ServerOptions options =
                WarrenConfig.parse(new String[] {"--config", yml.toString(), "--host=127.0.0.1", "--port=0"}, Map.of());
        server = TestServer.start(o -> options);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The {@code n} gaps between keepalives of a fresh tunnel (the first counts from the open), in ms. */
    private static List<Long> keepaliveGaps(String format, int n) {
        try (TunnelClient c = server.open(format)) {
            c.awaitOpen();
            List<Long> gaps = new ArrayList<>();
            long last = System.nanoTime();
            for (int i = 0; i < n; i++) {
                JsonNode k = c.awaitControl("/meta/keepalive", Duration.ofSeconds(10));
                assertThat(k.has("id")).isFalse();
                long now = System.nanoTime();
                gaps.add(Duration.ofNanos(now - last).toMillis());
                last = now;
            }
            return gaps;
        }
    }

    @Test
    void twoFormatsGetKeepalivesEachAtItsOwnInterval() {
        List<Long> stream = keepaliveGaps("stream", 6).subList(1, 6);
        List<Long> sse = keepaliveGaps("sse", 3).subList(1, 3);
        // A keepalive goes out once the interval has passed, at the next sweep (a quarter of the shortest).
        // The client reads with some jitter of its own, so one gap may be short when the one before was long.
        assertThat(mean(stream)).isBetween(140.0, 450.0);
        assertThat(mean(sse)).isBetween(880.0, 1600.0);
        assertThat(stream).allSatisfy(g -> assertThat(g).isLessThan(850L));
    }

    private static double mean(List<Long> gaps) {
        return gaps.stream().mapToLong(Long::longValue).average().orElseThrow();
    }

    @Test
    void metaOpenSaysWhatTheConnectionGets() {
        for (var e : Map.of("stream", 150L, "sse", 900L, "iframe", 2000L, "longpoll", 300L, "jsonp", 1500L)
                .entrySet()) {
            try (TunnelClient c = server.open(e.getKey())) {
                assertThat(c.awaitOpen().get("keepalive").asLong())
                        .as(e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void aFormatWithoutItsOwnIntervalTakesTheGlobalOne() {
        List<Long> iframe = keepaliveGaps("iframe", 1);
        assertThat(iframe.get(0)).isBetween(1900L, 3500L);
    }

    @Test
    void pollsAreHeldForTheirFormatsPollTimeout() {
        try (TunnelClient c = server.open("longpoll")) {
            c.awaitOpen();
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(() -> c.rawText().split("\\[\\]", -1).length - 1 >= 3);
            long perPoll = Duration.ofNanos(System.nanoTime() - start).toMillis() / 3;
            assertThat(perPoll).as("three empty polls of 300 ms, not 1500 ms").isBetween(250L, 1000L);
        }
    }

    @Test
    void wsIsPingedAtItsOwnPingInterval() throws Exception {
        List<Long> pings = new CopyOnWriteArrayList<>();
        List<String> texts = new CopyOnWriteArrayList<>();
        WebSocket ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + server.port() + "/tunnel?format=ws&new=1"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                texts.add(data.toString());
                                w.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onPing(WebSocket w, ByteBuffer message) {
                                pings.add(System.nanoTime());
                                return WebSocket.Listener.super.onPing(w, message);
                            }
                        })
                .join();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pings.size() >= 4);
            assertThat(texts.get(0)).contains("\"keepalive\":5000");
            for (int i = 1; i < pings.size(); i++) {
                assertThat(Duration.ofNanos(pings.get(i) - pings.get(i - 1)).toMillis())
                        .isBetween(150L, 1500L);
            }
            assertThat(texts).noneMatch(t -> t.contains("/meta/keepalive"));
        } finally {
            ws.abort();
        }
    }
}
