package io.warren.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WireDecoder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Debian's Chromium opens {@code /admin?key=...}: the page keeps the key as a cookie, its EventSource
 * feed (a Warren sse tunnel) delivers figures, and the page shows them and keeps updating. Driven over
 * the DevTools protocol with the JDK's own WebSocket client.
 */
class AdminPageBrowserTest {
    private static final List<String> FLAGS = List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-port=0",
            "--remote-allow-origins=*");

    @Test
    void pageShowsLiveFiguresFromItsTunnel() throws Exception {
        try (TestServer server = AdminTest.start();
                TunnelClient a = server.open("sse", "subscribe=/room/*");
                TunnelClient b = server.open("stream", "subscribe=/room/*");
                Browser browser = Browser.start()) {
            a.awaitOpen();
            b.awaitOpen();
            server.publish("{\"path\":\"/room/lobby\",\"data\":1}");

            try (Cdp cdp = browser.page()) {
                cdp.call("Page.navigate", Map.of("url", server.url("/admin?key=" + AdminTest.KEY)));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> cdp.eval("+document.body.getAttribute('data-updates') || 0")
                                        .asInt()
                                >= 2);
                assertThat(cdp.eval("document.getElementById('state').textContent")
                                .asText())
                        .isEqualTo("live");
                assertThat(cdp.eval("document.getElementById('tunnels').textContent")
                                .asText())
                        .as("two clients and the page's own feed")
                        .isEqualTo("3");
                assertThat(cdp.eval("document.getElementById('paths').textContent")
                                .asText())
                        .contains("/room/lobby");
                assertThat(cdp.eval("document.getElementById('formats').textContent")
                                .asText())
                        .contains("sse", "stream");
                assertThat(cdp.eval("document.getElementById('recent').textContent")
                                .asText())
                        .contains("opened " + a.client());
                // Live: more traffic shows up without reloading.
                for (int i = 0; i < 5; i++) {
                    server.publish("{\"path\":\"/room/kitchen\",\"data\":" + i + "}");
                }
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> cdp.eval("document.getElementById('paths').textContent")
                                .asText()
                                .contains("/room/kitchen5"));
                assertThat(cdp.eval("document.cookie").asText())
                        .as("the key cookie is HttpOnly")
                        .doesNotContain(AdminTest.KEY);
            }
        }
    }

    /**
     * Debian's Chromium, headless, in a fresh profile; the test is skipped when it is missing (failed in CI).
     * Closing ends Chromium and its helper processes, then deletes the profile.
     */
    static final class Browser implements AutoCloseable {
        private final Path profile;
        private final Process process;

        private Browser(Path profile, Process process) {
            this.profile = profile;
            this.process = process;
        }

        static Browser start() throws Exception {
            Path chromium = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser")
                    .map(Path::of)
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElse(null);
            if (chromium == null) {
                if ("true".equals(System.getenv("CI"))) {
                    fail("chromium is not installed (./run-tests installs Debian's chromium)");
                }
                assumeTrue(false, "chromium is not installed");
            }
            Path profile = Files.createTempDirectory("warren-chromium");
            List<String> cmd = new java.util.ArrayList<>(List.of(chromium.toString()));
            cmd.addAll(FLAGS);
            cmd.add("--user-data-dir=" + profile);
            cmd.add("about:blank");
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(profile.resolve("chromium.log").toFile())
                    .start();
            return new Browser(profile, p);
        }

        /** The DevTools client of the browser's page. */
        Cdp page() throws Exception {
            Path portFile = profile.resolve("DevToolsActivePort");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(portFile)
                            && Files.readAllLines(portFile).size() >= 2);
            return Cdp.connect(
                    Integer.parseInt(Files.readAllLines(portFile).get(0).trim()));
        }

        @Override
        public void close() throws IOException {
            try {
                // Chromium's helpers (network service, GPU) write into the profile too: end them all first.
                List<ProcessHandle> helpers = process.descendants().toList();
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                helpers.forEach(ProcessHandle::destroyForcibly);
                for (ProcessHandle h : helpers) {
                    h.onExit().get(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while ending chromium", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException("chromium's helpers did not end", e);
            } finally {
                try (Stream<Path> s = Files.walk(profile)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** A minimal DevTools protocol client for one page: calls with ids, answers matched by id. */
    static final class Cdp implements WebSocket.Listener, AutoCloseable {
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Cdp connect(int port) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            String list = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            String ws = null;
            for (JsonNode t : WireDecoder.parse(list)) {
                if (t.path("type").asText().equals("page")) {
                    ws = t.get("webSocketDebuggerUrl").asText();
                }
            }
            assertThat(ws).as("a page target in %s", list).isNotNull();
            Cdp cdp = new Cdp();
            cdp.socket =
                    http.newWebSocketBuilder().buildAsync(URI.create(ws), cdp).get(10, TimeUnit.SECONDS);
            return cdp;
        }

        JsonNode call(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            ObjectNode msg = WireDecoder.JSON.createObjectNode().put("id", id).put("method", method);
            msg.set("params", WireDecoder.JSON.valueToTree(params));
            socket.sendText(msg.toString(), true);
            JsonNode r = answer.get(20, TimeUnit.SECONDS);
            assertThat(r.has("error")).as("%s -> %s", method, r).isFalse();
            return r.get("result");
        }

        JsonNode eval(String expression) throws Exception {
            return call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true))
                    .path("result")
                    .path("value");
        }

        /** Evaluates {@code expression}, a promise, and answers the value it resolves to. */
        JsonNode evalAsync(String expression) throws Exception {
            return call(
                            "Runtime.evaluate",
                            Map.of("expression", expression, "returnByValue", true, "awaitPromise", true))
                    .path("result")
                    .path("value");
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode m = WireDecoder.parse(partial.toString());
                partial.setLength(0);
                if (m.has("id")) {
                    CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                    if (f != null) {
                        f.complete(m);
                    }
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
