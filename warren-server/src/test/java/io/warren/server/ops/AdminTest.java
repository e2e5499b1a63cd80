package io.warren.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.config.OperationsOptions;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WireDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The status page: key guard, the page, its live feed through a Warren tunnel, and the feed's privacy. */
class AdminTest {
    static final String KEY = "admin-key-for-tests";

    static TestServer start() {
        return TestServer.start(
                o -> o,
                b -> b.operations(
                        OperationsOptions.defaults().withAdminKey(KEY).withStatsInterval(Duration.ofMillis(200))));
    }

    @Test
    void disabledWithoutAKey() {
        try (TestServer server = TestServer.start()) {
            assertThat(server.get("/admin").status()).isEqualTo(404);
            assertThat(server.get("/admin/events?key=anything").status()).isEqualTo(404);
        }
    }

    @Test
    void theKeyGuardsPageFeedAndReload() {
        try (TestServer server = start()) {
            for (String target : new String[] {"/admin", "/admin/events", "/admin?key=wrong-key-123"}) {
                TestServer.Response r = server.get(target);
                assertThat(r.status()).as(target).isEqualTo(401);
                assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
            }
            assertThat(server.get("/admin", "Authorization", "Bearer nope").status())
                    .isEqualTo(401);
            assertThat(server.get("/admin", "Cookie", "warren-admin=nope").status())
                    .isEqualTo(401);
            assertThat(server.post("/admin/reload", "").status()).isEqualTo(401);
            assertThat(server.get("/admin", "Authorization", "Bearer " + KEY).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void pageSetsTheCookieItsFeedUses() throws Exception {
        try (TestServer server = start()) {
            TestServer.Response page = server.get("/admin?key=" + KEY);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("content-type")).startsWith("text/html");
            assertThat(page.body()).contains("new EventSource('/admin/events')", "/meta/admin/stats");
            String cookie = page.header("set-cookie");
            // A session value, never the key, and Secure always (browsers keep it on http://127.0.0.1 too).
            assertThat(cookie)
                    .contains("warren-admin=", "HttpOnly", "SameSite=Strict", "Path=/admin", "; Secure")
                    .doesNotContain(KEY);

            // Some traffic for the figures to show.
            try (TunnelClient c = server.open("sse", "subscribe=/news/*")) {
                c.awaitOpen();
                server.publish("{\"path\":\"/news/a\",\"data\":1}");
                server.publish("{\"path\":\"/news/a\",\"data\":2}");
                server.publish("{\"path\":\"/news/b\",\"data\":3}");
                c.await(3, Duration.ofSeconds(10));

                List<JsonNode> feed = readFeed(server.port(), Map.of("Cookie", cookie.split(";")[0]), 3);
                assertThat(feed.get(0).get("path").asText()).isEqualTo("/meta/open");
                assertThat(feed.get(1).get("path").asText()).isEqualTo("/meta/admin/stats");
                // The first figures may have been taken just before the feed opened (a tick counts, the feed
                // subscribes, the tick publishes); the next tick starts after that publish, so it counts the feed.
                JsonNode stats = feed.get(2);
                assertThat(stats.get("path").asText()).isEqualTo("/meta/admin/stats");
                assertThat(stats.get("id").asText()).isNotEmpty();
                JsonNode data = stats.get("data");
                assertThat(data.get("tunnels").asInt())
                        .as("the client's and the feed's own")
                        .isEqualTo(2);
                assertThat(data.get("byFormat").get("sse").asInt()).isEqualTo(2);
                assertThat(data.get("topPaths").get(0).get("path").asText()).isEqualTo("/news/a");
                assertThat(data.get("topPaths").get(0).get("count").asInt()).isEqualTo(2);
                assertThat(data.get("totals").get("published").asLong()).isGreaterThanOrEqualTo(3);
                assertThat(data.has("rates")).isTrue();
                assertThat(data.get("recentTunnels").findValuesAsText("client"))
                        .as("newest first")
                        .contains(c.client());
                assertThat(data.get("recentTunnels").get(0).get("event").asText())
                        .isEqualTo("opened");
                assertThat(feed.toString()).as("no tunnel id in the figures").doesNotContain(c.tunnel());
            }
        }
    }

    @Test
    void theFeedWorksWhenAuthorizationDeniesByDefault() throws Exception {
        // Anonymous rules turn per-path authorization on: clients may only subscribe to /news/*.
        try (TestServer server = TestServer.start(
                o -> o.withSecurity(o.security().withAnonymous(List.of("/news/*"), List.of())),
                b -> b.operations(
                        OperationsOptions.defaults().withAdminKey(KEY).withStatsInterval(Duration.ofMillis(200))))) {
            TestServer.Response r = server.get("/tunnel?format=stream&new=1&subscribe=/meta/admin/stats");
            assertThat(r.status()).isEqualTo(403);
            List<JsonNode> feed = readFeed(server.port(), Map.of("Authorization", "Bearer " + KEY), 2);
            assertThat(feed.get(1).get("path").asText())
                    .as("the key, not the client rules, admits the page")
                    .isEqualTo("/meta/admin/stats");
        }
    }

    @Test
    void clientsCannotReachTheStatsPath() {
        try (TestServer server = start()) {
            TestServer.Response r = server.get("/tunnel?format=stream&new=1&subscribe=/meta/admin/stats");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().get("error").asText()).isEqualTo("forbidden");
            try (TunnelClient c = server.open("stream", "subscribe=/**")) {
                c.awaitOpen();
                JsonNode ack = server.events("{\"tunnel\":\"" + c.tunnel()
                        + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/meta/admin/stats\"}}");
                assertThat(ack.get(0).get("ok").asBoolean()).isFalse();
                assertThat(ack.get(0).get("error").asText()).isEqualTo("forbidden");
                ack = server.events("{\"tunnel\":\"" + c.tunnel()
                        + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/meta/admin\",\"subpaths\":true}}");
                assertThat(ack.get(0).get("error").asText()).isEqualTo("forbidden");
                JsonNode pub = server.post("/publish", "{\"path\":\"/meta/admin/stats\",\"data\":{\"fake\":true}}")
                        .json();
                assertThat(pub.get(0).get("error").asText())
                        .as("nobody may forge figures")
                        .isEqualTo("forbidden");

                // Stats are being published (every 200 ms) all along; a marker published after a few of
                // them arrives first on /** : nothing from /meta/admin came before it.
                awaitStatsPublished(server, 3);
                server.publish("{\"path\":\"/marker\",\"data\":0}");
                JsonNode first = c.next();
                assertThat(first.get("path").asText()).isEqualTo("/marker");
                assertThat(c.controls()).noneMatch(d -> d.path("path").asText().startsWith("/meta/admin"));
            }
        }
    }

    @Test
    void reloadAnswersWhatItApplied() {
        try (TestServer server = start()) {
            server.server().operations().reloader(() -> List.of("engine options"));
            TestServer.Response r = server.post("/admin/reload", "", "Authorization", "Bearer " + KEY);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("applied").get(0).asText()).isEqualTo("engine options");
            server.server().operations().reloader(() -> {
                throw new IllegalArgumentException("keepalive: '5x' is not a duration");
            });
            r = server.post("/admin/reload", "", "Authorization", "Bearer " + KEY);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().get("message").asText()).contains("nothing changed", "keepalive", "'5x'");
            assertThat(server.get("/admin/reload", "Authorization", "Bearer " + KEY)
                            .status())
                    .isEqualTo(405);
        }
    }

    private static void awaitStatsPublished(TestServer server, int n) {
        double start = MetricsTest.value(server.get("/metrics").body(), "warren_datagrams_published_total");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> MetricsTest.value(server.get("/metrics").body(), "warren_datagrams_published_total")
                        >= start + n);
    }

    /** Reads the sse feed until {@code n} datagrams came; fails after ten seconds. */
    static List<JsonNode> readFeed(int port, Map<String, String> headers, int n) throws Exception {
        BlockingQueue<JsonNode> got = new ArrayBlockingQueue<>(1024);
        RawHttp h = RawHttp.get(port, "/admin/events", headers);
        assertThat(h.status()).isEqualTo(200);
        assertThat(h.header("content-type")).startsWith("text/event-stream");
        Thread reader = new Thread(
                () -> {
                    WireDecoder sse = WireDecoder.forFormat("sse");
                    byte[] buf = new byte[8192];
                    try {
                        int r;
                        while ((r = h.read(buf)) != -1) {
                            for (JsonNode d : sse.feed(new String(buf, 0, r, StandardCharsets.UTF_8))) {
                                got.offer(d);
                            }
                        }
                    } catch (IOException ignored) {
                        // closed by the test
                    }
                },
                "admin-feed");
        reader.setDaemon(true);
        reader.start();
        try {
            List<JsonNode> out = new ArrayList<>();
            while (out.size() < n) {
                JsonNode d = got.poll(10, TimeUnit.SECONDS);
                assertThat(d).as("datagram %d of the feed", out.size() + 1).isNotNull();
                out.add(d);
            }
            return out;
        } finally {
            h.close();
        }
    }
}
