package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.AppServer;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP callback authenticator against a real application server on loopback. */
class CallbackAuthTest {
    static final BlockingQueue<Map<String, String>> seen = new ArrayBlockingQueue<>(100);
    static final CountDownLatch releaseSlow = new CountDownLatch(1);
    static AppServer app;
    static TestServer server;

    @BeforeAll
    static void start() {
        app = new AppServer("/auth", CallbackAuthTest::answer);
        SecurityOptions.Callback cb =
                new SecurityOptions.Callback(app.uri("/auth"), List.of("X-App-Session"), Duration.ofSeconds(8));
        server = TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withCallback(cb)));
    }

    @AfterAll
    static void stop() {
        releaseSlow.countDown();
        server.close();
        app.close();
    }

    static AppServer.Answer answer(HttpExchange ex) {
        String cookie = ex.getRequestHeaders().getFirst("Cookie");
        String session = ex.getRequestHeaders().getFirst("X-App-Session");
        seen.offer(Map.of(
                "cookie",
                String.valueOf(cookie),
                "session",
                String.valueOf(session),
                "xff",
                String.valueOf(ex.getRequestHeaders().getFirst("X-Forwarded-For")),
                "other",
                String.valueOf(ex.getRequestHeaders().getFirst("X-Not-Forwarded"))));
        if ("sid=slow".equals(cookie)) {
            try {
                releaseSlow.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if ("sid=good".equals(cookie) || "sid=slow".equals(cookie) || "s-1".equals(session)) {
            return new AppServer.Answer(
                    200, "{\"subject\":\"u1\",\"subscribe\":[\"/room/1/**\"],\"publish\":[\"/room/1/chat\"]}");
        }
        if ("sid=banned".equals(cookie)) {
            return new AppServer.Answer(403, "");
        }
        if ("sid=broken".equals(cookie)) {
            return new AppServer.Answer(200, "{\"subscribe\":\"not a list\"");
        }
        if ("sid=crash".equals(cookie)) {
            return new AppServer.Answer(500, "");
        }
        return new AppServer.Answer(401, "");
    }

    @Test
    void forwardsCookiesAndChosenHeadersAndAppliesTheAnswer() throws InterruptedException {
        seen.clear();
        try (TunnelClient c = TunnelClient.open(
                server.port(),
                "sse",
                Map.of("Cookie", "sid=good", "X-Not-Forwarded", "secret"),
                "subscribe=/room/1/chat",
                "subscribe=/room/2/chat")) {
            JsonNode open = c.awaitOpen();
            assertThat(open.get("refused").get(0).asText()).isEqualTo("/room/2/chat");
            Map<String, String> got = seen.poll(5, TimeUnit.SECONDS);
            assertThat(got)
                    .containsEntry("cookie", "sid=good")
                    .containsEntry("xff", "127.0.0.1")
                    .containsEntry("other", "null");
            JsonNode acks =
                    server.events("[{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/room/1/chat\",\"data\":\"hi\"},"
                            + "{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/room/1/admin\",\"data\":\"no\"}]");
            assertThat(acks.get(0).get("ok").asBoolean()).isTrue();
            assertThat(acks.get(1).get("error").asText()).isEqualTo("forbidden");
            assertThat(c.next().get("data").asText()).isEqualTo("hi");
        }
        try (TunnelClient c = TunnelClient.open(server.port(), "longpoll", Map.of("X-App-Session", "s-1"))) {
            c.awaitOpen();
            assertThat(seen.poll(5, TimeUnit.SECONDS)).containsEntry("session", "s-1");
        }
    }

    @Test
    void refusalsAndFailuresAreClearErrors() {
        int before = server.server().node().tunnelCount();
        assertThat(status("sid=nobody")).isEqualTo(401);
        assertThat(status(null)).isEqualTo(401);
        assertThat(status("sid=banned")).isEqualTo(403);
        assertThat(status("sid=broken")).isEqualTo(503);
        assertThat(status("sid=crash")).isEqualTo(503);
        assertThat(server.server().node().tunnelCount()).isEqualTo(before);
    }

    @Test
    void aSlowApplicationBlocksNoEventLoop() {
        try (TunnelClient live = TunnelClient.open(
                        server.port(), "stream", Map.of("Cookie", "sid=good"), "subscribe=/room/1/news");
                TunnelClient slow = TunnelClient.open(server.port(), "stream", Map.of("Cookie", "sid=slow"))) {
            live.awaitOpen();
            // While the callback for `slow` hangs, every event loop keeps serving: opens, publishes, deliveries.
            for (int i = 0; i < 5; i++) {
                try (TunnelClient other = TunnelClient.open(server.port(), "sse", Map.of("Cookie", "sid=good"))) {
                    other.awaitOpen();
                }
                server.publish("{\"path\":\"/room/1/news\",\"data\":" + i + "}");
                assertThat(live.next().get("data").asInt()).isEqualTo(i);
            }
            assertThat(slow.controls()).isEmpty();
            releaseSlow.countDown();
            assertThat(slow.awaitOpen().get("client").asText()).isNotEmpty();
        }
    }

    private static int status(String cookie) {
        TestServer.Response r = cookie == null
                ? server.get("/tunnel?format=sse&new=1")
                : server.get("/tunnel?format=sse&new=1", "Cookie", cookie);
        assertThat(r.json().has("error")).isTrue();
        return r.status();
    }
}
