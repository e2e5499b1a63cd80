package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.api.NodeListener;
import io.warren.api.TunnelView;
import io.warren.format.Format;
import io.warren.server.config.ServerOptions;
import io.warren.server.config.WarrenConfig;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: a poll held when the server shuts down is answered with {@code /meta/close} reason
 * {@code shutdown}, in every poll format (built-in and defined from templates in the config file), so a
 * polling client learns that the node is going instead of polling it again at once.
 */
class ShutdownPollTest {
    private static final String CLOSE =
            "{\"path\":\"/meta/close\",\"data\":{\"reason\":\"shutdown\",\"reconnect\":true}}";
    private static final Pattern TUNNEL = Pattern.compile("\"tunnel\":\"([^\"]+)\"");
    private static final Pattern CLIENT = Pattern.compile("\"client\":\"([^\"]+)\"");

    /** Poll connections attached and detached so far (the first poll's detach may trail its answer). */
    private static final class Held implements NodeListener {
        final AtomicInteger attached = new AtomicInteger();
        final AtomicInteger detached = new AtomicInteger();

        @Override
        public void attached(TunnelView tunnel, Format format) {
            attached.incrementAndGet();
        }

        @Override
        public void detached(TunnelView tunnel, Format format) {
            detached.incrementAndGet();
        }
    }

    /**
     * Opens a tunnel in {@code format} (the first poll answers at once with {@code /meta/open}), holds a
     * second poll, shuts the server down and returns that poll's status and body.
     */
    private static String heldPollAtShutdown(ServerOptions base, String format, String extraQuery, String[] client)
            throws Exception {
        Held held = new Held();
        TestServer server = TestServer.start(
                o -> base.withHost(o.host())
                        .withPort(0)
                        .withSecurity(o.security())
                        .withNode(o.node().withPollTimeout(Duration.ofSeconds(30))),
                b -> b.listener(held));
        try {
            String first;
            try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=" + format + "&new=1" + extraQuery)) {
                assertThat(h.status()).isEqualTo(200);
                first = readable(h.body());
            }
            Matcher m = TUNNEL.matcher(first);
            assertThat(m.find()).as("open datagram in %s", first).isTrue();
            Matcher c = CLIENT.matcher(first);
            assertThat(c.find()).isTrue();
            client[0] = c.group(1);
            RawHttp poll = RawHttp.send(
                    server.port(),
                    "GET",
                    "/tunnel?format=" + format + "&tunnel=" + m.group(1) + extraQuery,
                    Map.of(),
                    null);
            // Held: the second poll attached, the first one answered.
            await().atMost(Duration.ofSeconds(5)).until(() -> held.attached.get() == 2 && held.detached.get() == 1);
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try (poll) {
                    poll.readHead();
                    return poll.status() + " " + poll.body();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            server.close();
            server = null;
            String got = answer.get(5, TimeUnit.SECONDS);
            // Answered by the shutdown, not by the 30 s poll timeout.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            return got;
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** The body with each Base64 entry of the operator format decoded, so ids can be read in every format. */
    private static String readable(String body) {
        Matcher b64 = Pattern.compile("\"([A-Za-z0-9+/]{16,}=*)\"").matcher(body);
        StringBuilder sb = new StringBuilder(body);
        while (b64.find()) {
            sb.append(new String(Base64.getDecoder().decode(b64.group(1)), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    @Test
    void longpollHeldAtShutdownGetsTheCloseDatagram() throws Exception {
        String[] client = new String[1];
        assertThat(heldPollAtShutdown(ServerOptions.defaults(), "longpoll", "", client))
                .isEqualTo("200 [" + CLOSE + "]");
    }

    @Test
    void jsonpHeldAtShutdownGetsTheCloseDatagram() throws Exception {
        String[] client = new String[1];
        assertThat(heldPollAtShutdown(ServerOptions.defaults(), "jsonp", "&callback=app.cb", client))
                .isEqualTo("200 /**/app.cb([" + CLOSE + "]);");
    }

    @Test
    void operatorPollFormatHeldAtShutdownGetsTheCloseDatagram(@TempDir Path dir) throws Exception {
        Path yml = dir.resolve("warren.yml");
        Files.writeString(yml, """
                formats:
                  b64poll:
                    content-type: application/json; charset=utf-8
                    mode: poll
                    header: "{\\"client\\":\\"{client}\\",\\"datagrams\\":["
                    envelope: "\\"{datagram}\\""
                    separator: ","
                    footer: "]}"
                    encoding: base64
                """);
        ServerOptions configured = WarrenConfig.parse(new String[] {"--config=" + yml}, Map.of());
        String[] client = new String[1];
        String got = heldPollAtShutdown(configured, "b64poll", "", client);
        String b64 = Base64.getEncoder().encodeToString(CLOSE.getBytes(StandardCharsets.UTF_8));
        assertThat(got).isEqualTo("200 {\"client\":\"" + client[0] + "\",\"datagrams\":[\"" + b64 + "\"]}");
    }

    @Test
    void aPollHeldWhileTheServerRunsIsStillAnsweredEmptyAtItsTimeout() throws Exception {
        // The negative: only the shutdown answers with /meta/close; an ordinary timeout stays an empty batch.
        try (TestServer server = TestServer.start(o -> o.withNode(o.node().withPollTimeout(Duration.ofMillis(300))))) {
            String tunnel;
            try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=longpoll&new=1")) {
                Matcher m = TUNNEL.matcher(h.body());
                assertThat(m.find()).isTrue();
                tunnel = m.group(1);
            }
            try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=longpoll&tunnel=" + tunnel)) {
                assertThat(h.body()).isEqualTo("[]");
            }
        }
    }
}
