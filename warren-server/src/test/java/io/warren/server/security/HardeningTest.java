package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WireDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Allowed origins, the tunnel id as a secret, header limits and slow or idle requests. */
class HardeningTest {
    static final String APP = "https://app.example";
    static TestServer server;
    static ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void start() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        logs.start();
        root.addAppender(logs);
        server = TestServer.start(o -> o.withSecurity(SecurityOptions.defaults()
                .withAllowedOrigins(List.of(APP))
                .withMaxHeaderSize(1024)
                .withMaxInitialLine(512)
                .withTimeouts(Duration.ofMillis(800), Duration.ofMillis(800))));
    }

    @AfterAll
    static void stop() {
        server.close();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        root.setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @Test
    void allowedOriginsForTunnelsAndEvents() throws IOException {
        TestServer.Response evil = server.get("/tunnel?format=sse&new=1", "Origin", "https://evil.example");
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.json().get("error").asText()).isEqualTo("forbidden");
        assertThat(server.post("/events", "{}", "Origin", "https://evil.example")
                        .status())
                .isEqualTo(403);

        try (TunnelClient c = TunnelClient.open(server.port(), "sse", Map.of("Origin", APP))) {
            c.awaitOpen();
            TestServer.Response post = server.post(
                    "/events", "{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/a\",\"data\":1}", "Origin", APP);
            assertThat(post.status()).isEqualTo(200);
            assertThat(post.header("Access-Control-Allow-Origin")).isEqualTo(APP);
            assertThat(post.header("Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(post.header("Vary")).contains("Origin");
        }
        try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=stream&new=1", Map.of("Origin", APP))) {
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.header("Access-Control-Allow-Origin")).isEqualTo(APP);
        }

        TestServer.Response preflight = server.send(
                "OPTIONS",
                "/events",
                null,
                "Origin",
                APP,
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "content-type");
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(APP);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("content-type");
        assertThat(server.send(
                                "OPTIONS",
                                "/events",
                                null,
                                "Origin",
                                "https://evil.example",
                                "Access-Control-Request-Method",
                                "POST")
                        .status())
                .isEqualTo(403);

        // Without Origin (servers, curl, same-origin GETs) nothing changes; /publish is not a browser endpoint.
        TestServer.Response plain = server.get("/tunnel?format=longpoll&new=1");
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void theTunnelIdStaysWithItsOwner() {
        try (TunnelClient a = server.open("sse", "subscribe=/room/*");
                TunnelClient b = server.open("stream", "subscribe=/room/*")) {
            a.awaitOpen();
            b.awaitOpen();
            server.events("{\"tunnel\":\"" + a.tunnel() + "\",\"path\":\"/room/1\",\"data\":\"from a\"}");
            server.events(
                    "{\"tunnel\":\"" + a.tunnel() + "\",\"path\":\"/client/" + b.client() + "\",\"data\":\"direct\"}");
            List<JsonNode> got = b.await(2, Duration.ofSeconds(10));
            assertThat(got.get(0).get("from").asText()).isEqualTo(a.client());
            assertThat(b.received().toString()).doesNotContain(a.tunnel());
            // An unknown tunnel id, even one sharing a long prefix with a real one, is just unknown.
            String near = a.tunnel().substring(0, a.tunnel().length() - 1)
                    + (a.tunnel().endsWith("A") ? "B" : "A");
            TestServer.Response r =
                    server.post("/events", "{\"tunnel\":\"" + near + "\",\"path\":\"/room/1\",\"data\":1}");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).doesNotContain(near);
            // Nothing logged so far names a tunnel id.
            for (ILoggingEvent e : List.copyOf(logs.list)) {
                assertThat(e.getFormattedMessage()).doesNotContain(a.tunnel()).doesNotContain(b.tunnel());
            }
        }
    }

    @Test
    void oversizedHeadersAndRequestLines() throws IOException {
        try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=sse&new=1", Map.of("X-Big", "x".repeat(2000)))) {
            assertThat(h.status()).isEqualTo(413);
            assertThat(WireDecoder.parse(h.body()).get("error").asText()).isEqualTo("too-large");
        }
        try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=sse&new=1&x=" + "y".repeat(600))) {
            assertThat(h.status()).isEqualTo(413);
        }
    }

    @Test
    void slowAndIdleRequestsAreCutWhileTunnelsLive() throws IOException {
        try (TunnelClient live = server.open("sse", "subscribe=/live")) {
            live.awaitOpen();
            // Slowloris: a request head that never ends.
            try (Socket head = connect();
                    Socket body = connect();
                    Socket idle = connect();
                    Socket keptAlive = connect()) {
                write(head, "GET /tunnel?format=sse&new=1 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n");
                write(body, "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"tun");
                write(keptAlive, "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
                for (Socket s : List.of(head, body, idle)) {
                    assertThat(readToEnd(s.getInputStream()))
                            .as("closed without an answer")
                            .isEmpty();
                }
                assertThat(readToEnd(keptAlive.getInputStream()))
                        .contains("404")
                        .contains("not-found");
            }
            // The tunnel outlived every timeout above (its response is in progress: no timer runs) and still receives.
            server.publish("{\"path\":\"/live\",\"data\":\"still here\"}");
            assertThat(live.next().get("data").asText()).isEqualTo("still here");
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Everything until the server closes the connection (SO_TIMEOUT fails the test if it never does). */
    private static String readToEnd(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
