package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.server.config.ServerOptions;
import io.warren.server.config.WarrenConfig;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Point 3: each format's exact bytes on the wire, and operator-defined formats from the config file. */
class FormatWireTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(o -> o.withNode(o.node().withPollTimeout(Duration.ofMillis(700))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Reads a streamed body until {@code marker} has appeared, then drops the connection. */
    private static String readUntil(RawHttp h, String marker) throws Exception {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[8192];
        while (!sb.toString().contains(marker)) {
            int n = h.read(buf);
            assertThat(n).as("stream ended before '%s' in: %s", marker, sb).isPositive();
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        h.close();
        return sb.toString();
    }

    @Test
    void sse() throws Exception {
        RawHttp h = RawHttp.get(server.port(), "/tunnel?format=sse&new=1&subscribe=/w/sse");
        assertThat(h.status()).isEqualTo(200);
        assertThat(h.header("content-type")).isEqualTo("text/event-stream; charset=utf-8");
        assertThat(h.header("cache-control")).contains("no-cache");
        assertThat(h.header("transfer-encoding")).isEqualTo("chunked");
        String head = readUntil(h, "resumed\":false}}\n\n");
        assertThat(head)
                .startsWith(":" + " ".repeat(2048)
                        + "\nretry: 2000\n\ndata: {\"path\":\"/meta/open\",\"data\":{\"tunnel\":\"");
        RawHttp h2 = RawHttp.get(server.port(), "/tunnel?format=sse&new=1&subscribe=/w/sse");
        String id = server.publish("{\"path\":\"/w/sse\",\"data\":{\"k\":\"v\"}}")
                .get(0)
                .get("id")
                .asText();
        String text = readUntil(h2, "\"v\"}}\n\n");
        assertThat(text)
                .endsWith(
                        "id: " + id + "\ndata: {\"id\":\"" + id + "\",\"path\":\"/w/sse\",\"data\":{\"k\":\"v\"}}\n\n");
    }

    @Test
    void stream() throws Exception {
        RawHttp h = RawHttp.get(server.port(), "/tunnel?format=stream&new=1&subscribe=/w/stream");
        assertThat(h.header("content-type")).isEqualTo("application/x-ndjson; charset=utf-8");
        readUntil(h, "}}\n");
        RawHttp h2 = RawHttp.get(server.port(), "/tunnel?format=stream&new=1&subscribe=/w/stream");
        String id = server.publish("{\"path\":\"/w/stream\",\"data\":[1]}")
                .get(0)
                .get("id")
                .asText();
        assertThat(readUntil(h2, "[1]}\n")).endsWith("\n{\"id\":\"" + id + "\",\"path\":\"/w/stream\",\"data\":[1]}\n");
    }

    @Test
    void iframeIsAScriptSafeForeverFrame() throws Exception {
        RawHttp h = RawHttp.get(server.port(), "/tunnel?format=iframe&new=1&subscribe=/w/if&callback=app.onDatagram");
        assertThat(h.header("content-type")).isEqualTo("text/html; charset=utf-8");
        String nasty = "</script><script>alert(1)</script><!-- \u2028";
        server.publish("{\"path\":\"/w/if\",\"data\":\"" + nasty.replace("\u2028", "\\u2028") + "\"}");
        String text = readUntil(h, "\\u003c!--");
        assertThat(text)
                .startsWith("<!DOCTYPE html>")
                .contains(" ".repeat(2048))
                .contains("parent.app.onDatagram(d)");
        String afterHeader = text.substring(text.indexOf("<script>w("));
        assertThat(afterHeader.replace("</script>\n", "")).doesNotContain("</script", "<!--", "\u2028");
        assertThat(afterHeader).contains("\\u003c/script\\u003e");
    }

    @Test
    void longpollIsHeldUntilADatagramIsReady() throws Exception {
        try (TunnelClient c = server.open("longpoll")) {
            c.awaitOpen();
            String tunnel = c.tunnel();
            c.drop();
            CompletableFuture<String> poll = CompletableFuture.supplyAsync(() -> {
                try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=longpoll&tunnel=" + tunnel)) {
                    assertThat(h.header("content-type")).isEqualTo("application/json; charset=utf-8");
                    return h.body();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Held: no answer for a good part of the poll timeout (700 ms) while nothing is ready.
            await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
            String id = server.publish("{\"path\":\"/client/" + c.client() + "\",\"data\":7}")
                    .get(0)
                    .get("id")
                    .asText();
            assertThat(poll.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo("[{\"id\":\"" + id + "\",\"path\":\"/client/" + c.client() + "\",\"data\":7}]");
            // Nothing new: the poll times out with an empty array.
            try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=longpoll&tunnel=" + tunnel + "&last=" + id)) {
                assertThat(h.body()).isEqualTo("[]");
            }
        }
    }

    @Test
    void jsonpWrapsTheBatchInTheCallback() throws Exception {
        try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=jsonp&new=1&callback=jQuery_123.cb")) {
            assertThat(h.header("content-type")).isEqualTo("application/javascript; charset=utf-8");
            assertThat(h.header("x-content-type-options")).isEqualTo("nosniff");
            String body = h.body();
            assertThat(body)
                    .startsWith("/**/jQuery_123.cb([{\"path\":\"/meta/open\"")
                    .endsWith("}]);");
        }
        try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=jsonp&new=1&callback=x;alert(1)")) {
            assertThat(h.status()).as("';' does not split parameters").isEqualTo(400);
            assertThat(h.body()).contains("bad-callback");
        }
        for (String bad : new String[] {"", "alert(1)", "a-b", "1abc", "a..b", "a.b.c.d.e", "x".repeat(70)}) {
            TestServer.Response r = server.get(
                    "/tunnel?format=jsonp&new=1&callback=" + java.net.URLEncoder.encode(bad, StandardCharsets.UTF_8));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("bad-callback");
        }
        TestServer.Response missing = server.get("/tunnel?format=jsonp&new=1");
        assertThat(missing.json().get("error").asText()).isEqualTo("bad-callback");
        assertThat(server.get("/tunnel?format=iframe&new=1&callback=a(b)")
                        .json()
                        .get("error")
                        .asText())
                .isEqualTo("bad-callback");
    }

    @Test
    void operatorsDefineFormatsFromTemplatesInTheConfigFile(@TempDir Path dir) throws Exception {
        Path yml = dir.resolve("warren.yml");
        Files.writeString(yml, """
                keepalive: 400ms
                formats:
                  plain:
                    content-type: "text/plain; charset=utf-8"
                    header: "hello {client}\\n"
                    envelope: "{id} {path} {datagram}\\n"
                    control: "# {path} {datagram}\\n"
                    keepalive: ".\\n"
                    footer: "bye\\n"
                  b64poll:
                    mode: poll
                    content-type: "text/plain"
                    header: "<"
                    envelope: "{datagram}"
                    separator: "|"
                    footer: ">"
                    encoding: base64
                """);
        ServerOptions options = WarrenConfig.parse(
                new String[] {"--config", yml.toString(), "--host=127.0.0.1", "--port", "0"}, Map.of());
        assertThat(options.node().keepalive()).isEqualTo(Duration.ofMillis(400));
        try (TestServer custom = TestServer.start(o -> options)) {
            RawHttp h = RawHttp.get(custom.port(), "/tunnel?format=plain&new=1&subscribe=/p");
            assertThat(h.header("content-type")).isEqualTo("text/plain; charset=utf-8");
            String id = custom.publish("{\"path\":\"/p\",\"data\":{\"x\":1}}")
                    .get(0)
                    .get("id")
                    .asText();
            String text = readUntil(h, ".\n");
            assertThat(text)
                    .startsWith("hello ")
                    .contains("\n# /meta/open {\"path\":\"/meta/open\"")
                    .contains("\n" + id + " /p {\"id\":\"" + id + "\",\"path\":\"/p\",\"data\":{\"x\":1}}\n");

            try (RawHttp p = RawHttp.get(custom.port(), "/tunnel?format=b64poll&new=1")) {
                String body = p.body();
                assertThat(body).startsWith("<").endsWith(">");
                String decoded = new String(
                        java.util.Base64.getDecoder().decode(body.substring(1, body.length() - 1)),
                        StandardCharsets.UTF_8);
                assertThat(decoded).startsWith("{\"path\":\"/meta/open\"");
            }
        }
    }

    /**
     * Issue 16: an {@code sse} entry that changes only the envelope keeps the built-in control envelope,
     * and a new event-stream format's control defaults to its envelope without the {@code id:} line: no
     * control datagram (open, keepalive) carries an empty {@code id:}, which would reset Last-Event-ID.
     */
    @Test
    void controlDatagramsNeverCarryAnEmptyIdLine(@TempDir Path dir) throws Exception {
        Path yml = dir.resolve("warren.yml");
        Files.writeString(yml, """
                keepalive: 300ms
                formats:
                  sse:
                    envelope: "id: {id}\\nevent: datagram\\ndata: {datagram}\\n\\n"
                  events:
                    content-type: "text/event-stream; charset=utf-8"
                    envelope: "id: {id}\\ndata: {datagram}\\n\\n"
                """);
        ServerOptions options = WarrenConfig.parse(
                new String[] {"--config", yml.toString(), "--host=127.0.0.1", "--port", "0"}, Map.of());
        try (TestServer custom = TestServer.start(o -> options)) {
            for (String format : new String[] {"sse", "events"}) {
                var body = java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                                custom.url("/tunnel?format=" + format + "&new=1&subscribe=/p")))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofInputStream())
                        .body();
                String id = custom.publish("{\"path\":\"/p\",\"data\":1}")
                        .get(0)
                        .get("id")
                        .asText();
                StringBuilder sb = new StringBuilder();
                byte[] buf = new byte[8192];
                while (!sb.toString().contains("/meta/keepalive\",\"data\":null}\n\n")) {
                    int n = body.read(buf);
                    assertThat(n).as("stream ended early: %s", sb).isPositive();
                    sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
                body.close();
                String text = sb.toString();
                assertThat(text)
                        .as(format)
                        .containsPattern("(?m)^data: \\{\"path\":\"/meta/open\"")
                        .contains("id: " + id + "\n")
                        .contains("\n\ndata: {\"path\":\"/meta/keepalive\",\"data\":null}\n\n")
                        .doesNotContainPattern("(?m)^id: ?$");
            }
        }
    }
}
