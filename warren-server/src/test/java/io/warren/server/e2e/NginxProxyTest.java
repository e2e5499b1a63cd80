package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real nginx from Debian in front of Warren, configured with the very files operators install
 * ({@code deploy/nginx/warren-http.conf} and {@code warren-proxy.conf}): every format still delivers
 * each datagram promptly through the proxy, client events pass, and re-attach works; {@code /publish},
 * {@code /admin} and {@code /metrics} are not reachable from the public side; the access log has no
 * query strings.
 */
class NginxProxyTest {
    private static final Path DEPLOY =
            Path.of("..", "deploy", "nginx").toAbsolutePath().normalize();
    /** Generous for a shared machine, far below any proxy buffering or timeout (seconds to minutes). */
    private static final Duration PROMPT = Duration.ofMillis(1500);

    static TestServer warren;
    static Process nginx;
    static Path dir;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        Path bin = Stream.of("/usr/sbin/nginx", "/usr/bin/nginx")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        if (bin == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("nginx is not installed (./run-tests installs Debian's nginx)");
            }
            assumeTrue(false, "nginx is not installed: run ./run-tests, which installs it");
        }
        warren = TestServer.start(o -> o.withPublishKey("proxy-test-publish-key"));
        dir = Files.createTempDirectory("warren-nginx");
        port = freePort();
        String http = Files.readString(DEPLOY.resolve("warren-http.conf"))
                .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + warren.port() + ";");
        Files.writeString(dir.resolve("warren-http.conf"), http);
        String proxy = Files.readString(DEPLOY.resolve("warren-proxy.conf"))
                .replace(
                        "/var/log/nginx/warren.access.log",
                        dir.resolve("access.log").toString());
        Files.writeString(dir.resolve("warren-proxy.conf"), proxy);
        String conf = (isRoot() ? "user root;\n" : "") + """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/warren-http.conf;
                    server {
                        listen 127.0.0.1:%2$d;
                        include %3$s;
                    }
                }
                """.formatted(dir, port, dir.resolve("warren-proxy.conf"));
        Files.writeString(dir.resolve("nginx.conf"), conf);
        nginx = new ProcessBuilder(
                        bin.toString(),
                        "-p",
                        dir.toString(),
                        "-c",
                        dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            if (!nginx.isAlive()) {
                throw new AssertionError("nginx exited: " + Files.readString(dir.resolve("nginx.out")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
        if (warren != null) {
            warren.close();
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe", "longpoll", "jsonp"})
    void everyFormatDeliversPromptlyThroughNginx(String format) {
        try (TunnelClient c = TunnelClient.open(port, format, "subscribe=/proxy/*")) {
            JsonNode open = c.awaitOpen();
            assertThat(open.get("resumed").asBoolean()).isFalse();
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                publish("{\"path\":\"/proxy/" + format + "\",\"data\":" + i + "}");
                List<JsonNode> got = c.await(1, PROMPT);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(got.get(0).get("data").asInt()).isEqualTo(i);
                assertThat(ms).as("datagram %d took %d ms through nginx", i, ms).isLessThan(PROMPT.toMillis());
            }
            // Client events go through the proxy too and come back with `from`.
            TestServer.Response r = proxied(
                    "POST", "/events", "{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/proxy/mine\",\"data\":\"hi\"}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(c.await(1, PROMPT).get(0).get("from").asText()).isEqualTo(c.client());
        }
    }

    @Test
    void webSocketTunnelsUpgradeAndDeliverThroughNginx() throws Exception {
        java.util.concurrent.BlockingQueue<JsonNode> got = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(
                        java.net.URI.create("ws://127.0.0.1:" + port + "/tunnel?format=ws&new=1&subscribe=/proxy/*"),
                        new java.net.http.WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(
                                    java.net.http.WebSocket w, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    got.add(io.warren.server.support.WireDecoder.parse(text.toString()));
                                    text.setLength(0);
                                }
                                w.request(1);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        try {
            JsonNode open = got.poll(10, TimeUnit.SECONDS);
            assertThat(open).isNotNull();
            assertThat(open.get("path").asText()).isEqualTo("/meta/open");
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                publish("{\"path\":\"/proxy/ws\",\"data\":" + i + "}");
                JsonNode d = got.poll(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(d)
                        .as("datagram %d through nginx over WebSocket (%d ms)", i, ms)
                        .isNotNull();
                assertThat(d.get("data").asInt()).isEqualTo(i);
            }
        } finally {
            ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void streamsResumeThroughNginx() {
        TunnelClient c = TunnelClient.open(port, "sse", "subscribe=/proxy/*");
        c.awaitOpen();
        publish("{\"path\":\"/proxy/r\",\"data\":1}");
        c.await(1, PROMPT);
        String tunnel = c.tunnel();
        String last = c.lastId();
        c.drop();
        publish("{\"path\":\"/proxy/r\",\"data\":2}");
        try (TunnelClient back = TunnelClient.attach(port, "sse", tunnel, last)) {
            assertThat(back.awaitOpen().get("resumed").asBoolean()).isTrue();
            assertThat(back.await(1, PROMPT).get(0).get("data").asInt()).isEqualTo(2);
        }
    }

    @Test
    void finding3_publishAdminAndMetricsAreNotReachableThroughTheShippedProxy() {
        // Behind a proxy every request comes from loopback: the backend publishes to Warren directly.
        String json = "{\"path\":\"/proxy/x\",\"data\":1}";
        for (String target : new String[] {"/publish", "/%70ublish", "//publish", "/x/../publish"}) {
            TestServer.Response r = TestServer.sendTo(
                    port,
                    "POST",
                    target,
                    json,
                    "Authorization",
                    "Bearer proxy-test-publish-key",
                    "Content-Type",
                    "application/json");
            assertThat(r.status())
                    .as("POST %s through nginx, even with the key", target)
                    .isEqualTo(404);
            assertThat(r.body()).contains("not served through the proxy");
        }
        for (String target :
                new String[] {"/metrics", "/%6detrics", "/admin", "/admin/", "/admin/events", "/admin?key=x", "/%61dmin"
                }) {
            TestServer.Response r = proxied("GET", target, null);
            assertThat(r.status()).as("GET %s through nginx", target).isEqualTo(404);
            assertThat(r.body()).contains("not served through the proxy");
        }
        // The same key straight to Warren works, and the public endpoints still pass the proxy.
        assertThat(warren.post("/publish", json, "Authorization", "Bearer proxy-test-publish-key")
                        .status())
                .isEqualTo(200);
        assertThat(warren.get("/metrics").status()).isEqualTo(200);
        assertThat(proxied("GET", "/healthz", null).status()).isEqualTo(200);
    }

    @Test
    void finding7_theShippedAccessLogHasNoQueryStrings() throws IOException {
        String secret = "eyJhbGciOiJIUzI1NiJ9.secret-token-in-the-query.sig";
        assertThat(proxied("GET", "/tunnel?format=nope&tunnel=SECRETTUNNELID&token=" + secret, null)
                        .status())
                .isEqualTo(400);
        Path log = dir.resolve("access.log");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(log) && Files.readString(log).contains("GET /tunnel "));
        String text = Files.readString(log);
        assertThat(text).doesNotContain(secret).doesNotContain("SECRETTUNNELID").doesNotContain("token=");
    }

    private static void publish(String json) {
        TestServer.Response r = warren.post("/publish", json, "Authorization", "Bearer proxy-test-publish-key");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static TestServer.Response proxied(String method, String target, String body) {
        return TestServer.sendTo(port, method, target, body);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
