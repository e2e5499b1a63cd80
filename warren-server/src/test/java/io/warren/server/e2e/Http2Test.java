package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.path.PathPattern;
import io.warren.server.config.TlsOptions;
import io.warren.server.support.H2Client;
import io.warren.server.support.SelfSigned;
import io.warren.server.support.TestServer;
import io.warren.server.support.WireDecoder;
import io.warren.spi.Authorizer;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 with real clients: the JDK's HttpClient over TLS (ALPN h2) and over h2c (its Upgrade), curl
 * with {@code --http2} and {@code --http2-prior-knowledge}, and a Netty client that stops reading one
 * stream of a connection while another keeps receiving.
 */
class Http2Test {
    @TempDir
    static Path dir;

    static SelfSigned cert;
    static TestServer tls;
    static TestServer plain;
    static HttpClient overTls;
    static HttpClient h2c;

    @BeforeAll
    static void start() {
        cert = SelfSigned.create(dir, "localhost");
        tls = TestServer.start(o -> o.withTls(new TlsOptions(cert.cert(), cert.key()))
                .withNode(o.node().withKeepalive(Duration.ofMillis(400))));
        plain = TestServer.start(o -> o.withNode(o.node().withKeepalive(Duration.ofMillis(400))));
        overTls = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .sslContext(SelfSigned.trusting(cert))
                .build();
        h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    }

    @AfterAll
    static void stop() {
        tls.close();
        plain.close();
    }

    static String https(String pathAndQuery) {
        return "https://127.0.0.1:" + tls.port() + pathAndQuery;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream"})
    void theJdkClientOpensPublishesAndReceivesOverTlsH2(String format) throws Exception {
        try (Tunnel t = Tunnel.open(overTls, https("/tunnel?new=1&subscribe=/news/*&format=" + format), format)) {
            assertThat(t.response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(t.response.headers().map().keySet())
                    .as("HTTP/1-only headers are not sent on h2")
                    .doesNotContain("connection", "keep-alive", "transfer-encoding");
            JsonNode open = t.awaitPath("/meta/open");
            HttpResponse<String> acks = send(overTls, https("/publish"), "{\"path\":\"/news/a\",\"data\":1}");
            assertThat(acks.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(acks.body()).contains("\"ok\":true");
            assertThat(t.awaitPath("/news/a").get("data").asInt()).isEqualTo(1);
            // A client datagram over another stream of the same connection, through the tunnel.
            String tunnel = open.path("data").path("tunnel").asText();
            send(overTls, https("/events"), "{\"tunnel\":\"" + tunnel + "\",\"path\":\"/news/b\",\"data\":2}");
            assertThat(t.awaitPath("/news/b").get("from").asText())
                    .isEqualTo(open.path("data").path("client").asText());
            // Keepalives still run per tunnel.
            t.awaitPath("/meta/keepalive");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream"})
    void theJdkClientUpgradesToH2cOnThePlainPort(String format) throws Exception {
        String base = "http://127.0.0.1:" + plain.port();
        try (Tunnel t = Tunnel.open(h2c, base + "/tunnel?new=1&subscribe=/c/*&format=" + format, format)) {
            assertThat(t.response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            t.awaitPath("/meta/open");
            HttpResponse<String> acks = send(h2c, base + "/publish", "{\"path\":\"/c/x\",\"data\":\"h2c\"}");
            assertThat(acks.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(t.awaitPath("/c/x").get("data").asText()).isEqualTo("h2c");
        }
        // Plain HTTP/1.1 still works on the same port.
        assertThat(plain.get("/healthz").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe", "longpoll", "jsonp"})
    void everyBuiltInHttpFormatOpensAndDeliversOverH2(String format) throws Exception {
        String callback = format.equals("jsonp") ? "&callback=cb" : "";
        String path = "/every/" + format;
        if (format.equals("longpoll") || format.equals("jsonp")) {
            HttpResponse<String> first = get(https("/tunnel?new=1&format=" + format + callback + "&subscribe=" + path));
            assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
            JsonNode open = WireDecoder.JsonArray.class
                    .cast(WireDecoder.forFormat(format))
                    .whole(first.body())
                    .get(0);
            String tunnel = open.path("data").path("tunnel").asText();
            send(overTls, https("/publish"), "{\"path\":\"" + path + "\",\"data\":\"polled\"}");
            HttpResponse<String> next = get(https("/tunnel?format=" + format + callback + "&tunnel=" + tunnel));
            assertThat(next.body()).contains("polled");
            return;
        }
        try (Tunnel t = Tunnel.open(overTls, https("/tunnel?new=1&format=" + format + "&subscribe=" + path), format)) {
            assertThat(t.response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            t.awaitPath("/meta/open");
            send(overTls, https("/publish"), "{\"path\":\"" + path + "\",\"data\":\"streamed\"}");
            assertThat(t.awaitPath(path).get("data").asText()).isEqualTo("streamed");
        }
    }

    @Test
    void webSocketIsRefusedOnH2AndWorksOverTlsHttp11() throws Exception {
        HttpResponse<String> refused = get(https("/tunnel?new=1&format=ws"));
        assertThat(refused.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("bad-request", "needs HTTP/1.1");

        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = overTls.newWebSocketBuilder()
                .buildAsync(
                        URI.create("wss://127.0.0.1:" + tls.port() + "/tunnel?new=1&format=ws&subscribe=/w/*"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                frames.add(data.toString());
                                w.request(1);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        try {
            assertThat(frames.poll(10, TimeUnit.SECONDS)).contains("/meta/open");
            send(overTls, https("/publish"), "{\"path\":\"/w/1\",\"data\":\"wss\"}");
            assertThat(frames.poll(10, TimeUnit.SECONDS)).contains("/w/1", "wss");
        } finally {
            ws.abort();
        }
    }

    @Test
    void curlWithHttp2OverTlsAndWithPriorKnowledge() throws Exception {
        curlReceives(
                List.of("--http2", "--cacert", cert.cert().toString()),
                https("/tunnel?new=1&format=sse&subscribe=/curl/tls"),
                tls,
                "/curl/tls");
        curlReceives(
                List.of("--http2-prior-knowledge"),
                "http://127.0.0.1:" + plain.port() + "/tunnel?new=1&format=sse&subscribe=/curl/h2c",
                plain,
                "/curl/h2c");
    }

    /** A stream whose reader stopped fills its window and is closed {@code slow}; the other goes on. */
    @Test
    void aStalledStreamDoesNotStallTheOtherStreamOfItsConnection() {
        try (H2Client client = H2Client.priorKnowledge(plain.port())) {
            H2Client.Stream stalled = client.get("/tunnel?new=1&format=stream&subscribe=/slow/*", false);
            H2Client.Stream reading = client.get("/tunnel?new=1&format=stream&subscribe=/fast/*", true);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> stalled.body().contains("/meta/open")
                            && reading.body().contains("/meta/open"));
            String big = "x".repeat(4000);
            int fast = 0;
            for (int i = 0; i < 200; i++) {
                plain.publish("{\"path\":\"/slow/a\",\"data\":\"" + big + "\"}");
                if (i % 4 == 0) {
                    plain.publish("{\"path\":\"/fast/b\",\"data\":" + fast++ + "}");
                }
            }
            int sent = fast;
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(reading.body()).contains("\"data\":" + (sent - 1) + "}"));
            await().atMost(Duration.ofSeconds(20))
                    .alias("the stalled tunnel is closed slow once its unsent datagrams would be evicted")
                    .until(() -> plain.server()
                                    .metrics()
                                    .registry()
                                    .find("warren.slow.consumer.closes")
                                    .counter()
                                    .count()
                            >= 1);
            // Reading again, the stalled client finds its stream reset after what fit in its window.
            stalled.resume();
            assertThat(stalled.closed).succeedsWithin(Duration.ofSeconds(10));
            assertThat(stalled.bodyLength()).isLessThan(200 * 4000);
            assertThat(reading.closed).isNotDone();
        }
    }

    /** HTTP/2 is a new way in to the same entry points: the one gate still decides every subscribe and publish. */
    @Test
    void overH2TheGateDecidesSubscribesAndClientPublishes() throws Exception {
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        Authorizer refuse = new Authorizer() {
            @Override
            public CompletionStage<Boolean> canOpen(Identity identity, OpenRequest request) {
                return CompletableFuture.completedFuture(true);
            }

            @Override
            public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
                asked.add("subscribe " + pattern.wirePath());
                return CompletableFuture.completedFuture(false);
            }

            @Override
            public CompletionStage<Boolean> canPublish(Identity identity, io.warren.path.Path path) {
                asked.add("publish " + path);
                return CompletableFuture.completedFuture(false);
            }
        };
        try (TestServer gated = TestServer.start(o -> o, b -> b.authorizer(refuse))) {
            String base = "http://127.0.0.1:" + gated.port();
            try (Tunnel t = Tunnel.open(h2c, base + "/tunnel?new=1&format=stream&subscribe=/gate/*", "stream")) {
                assertThat(t.response.version()).isEqualTo(HttpClient.Version.HTTP_2);
                String tunnel =
                        t.awaitPath("/meta/open").path("data").path("tunnel").asText();
                HttpResponse<String> acks =
                        send(h2c, base + "/events", "{\"tunnel\":\"" + tunnel + "\",\"path\":\"/gate/x\",\"data\":1}");
                assertThat(acks.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(acks.body()).contains("\"ok\":false", "forbidden");
                gated.publish("{\"path\":\"/gate/y\",\"data\":2}");
                JsonNode d;
                while ((d = t.datagrams.poll(500, TimeUnit.MILLISECONDS)) != null) {
                    assertThat(d.path("path").asText())
                            .as("the refused interest delivers nothing")
                            .startsWith("/meta/");
                }
            }
            assertThat(asked).contains("subscribe /gate/*");
            assertThat(asked).anyMatch(q -> q.startsWith("publish") && q.contains("/gate/x"));
        }
    }

    @SuppressWarnings("JdkObsolete") // StringBuffer: written by the reader thread, read by the test thread
    private static void curlReceives(List<String> flags, String url, TestServer server, String path) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sSvN", "--max-time", "20"));
        cmd.addAll(flags);
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuffer out = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // curl ended
            }
        });
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> out.indexOf("/meta/open") >= 0);
            send(
                    server == tls ? overTls : h2c,
                    base(server) + "/publish",
                    "{\"path\":\"" + path + "\",\"data\":\"curl\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> out.indexOf("\"path\":\"" + path + "\"") >= 0);
            assertThat(out.toString()).contains("< HTTP/2 200");
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
            reader.join(5000);
        }
    }

    static String base(TestServer server) {
        return (server == tls ? "https" : "http") + "://127.0.0.1:" + server.port();
    }

    static HttpResponse<String> get(String url) throws Exception {
        return overTls.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(HttpClient client, String url, String json) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s -> %s", url, r.body()).isEqualTo(200);
        return r;
    }

    /** A stream-format tunnel read by the JDK client, decoded as a browser would. */
    static final class Tunnel implements AutoCloseable {
        final HttpResponse<InputStream> response;
        final BlockingQueue<JsonNode> datagrams = new LinkedBlockingQueue<>();
        private final Thread reader;

        private Tunnel(HttpResponse<InputStream> response, String format) {
            this.response = response;
            WireDecoder decoder = WireDecoder.forFormat(format);
            this.reader = new Thread(() -> {
                try (InputStream in = response.body()) {
                    byte[] buf = new byte[8192];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        datagrams.addAll(decoder.feed(new String(buf, 0, n, StandardCharsets.UTF_8)));
                    }
                } catch (IOException ignored) {
                    // closed by the test
                }
            });
            reader.start();
        }

        static Tunnel open(HttpClient client, String url, String format) throws Exception {
            HttpResponse<InputStream> r = client.send(
                    HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            return new Tunnel(r, format);
        }

        JsonNode awaitPath(String path) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                JsonNode d = datagrams.poll(100, TimeUnit.MILLISECONDS);
                if (d != null && d.path("path").asText().equals(path)) {
                    return d;
                }
            }
            throw new AssertionError("no datagram on " + path + " within 10 s");
        }

        @Override
        public void close() throws IOException {
            response.body().close();
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
