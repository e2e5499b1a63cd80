package io.warren.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.PresenceOptions;
import io.warren.server.config.OperationsOptions;
import io.warren.server.config.SecurityOptions;
import io.warren.server.config.ServerOptions;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The status page's API ({@code /admin/api/}): let in by the admin session only, answering what the
 * backend's {@code /api/} answers, its disconnect guarded against cross-site requests, and the page's own
 * feed kept out of every query and command.
 */
class AdminApiTest {
    static final String PUBLISH_KEY = "publish-key-for-admin-api-tests";
    static final String HOSTILE_INFO = "<img src=x onerror=window.pwned=1>";
    static final String HOSTILE_USER = "<b>mallory</b>";

    /** Admin key, publish key, JWT clients (users with {@code info}), and {@code /room/*} presence paths. */
    static TestServer start() {
        return start(o -> o);
    }

    /** As {@link #start()}, with {@code more} options (a cluster, say). */
    static TestServer start(UnaryOperator<ServerOptions> more) {
        SecurityOptions.Jwt jwt =
                new SecurityOptions.Jwt(Tokens.SECRET, null, null, null, null, null, null, null, Duration.ZERO, false);
        return TestServer.start(
                o -> more.apply(o.withPublishKey(PUBLISH_KEY)
                        .withNode(o.node().withPresence(PresenceOptions.of(List.of("/room/*"))))
                        .withSecurity(SecurityOptions.defaults().withJwt(jwt))),
                b -> b.operations(OperationsOptions.defaults()
                        .withAdminKey(AdminTest.KEY)
                        .withStatsInterval(Duration.ofMillis(200))));
    }

    /** A tunnel of {@code user} with a public profile, subscribed as {@code query} says. */
    static TunnelClient open(TestServer server, String format, String user, String info, String... query) {
        String token = Tokens.hs256(
                Tokens.claims(user, 300, List.of("/room/**"), List.of()).claim("warren.info", Map.of("name", info)));
        TunnelClient c = TunnelClient.open(server.port(), format, Tokens.bearer(token), query);
        c.awaitOpen();
        return c;
    }

    /** The session cookie ({@code name=value}) the page sets. */
    static String session(TestServer server) {
        TestServer.Response page = server.get("/admin?key=" + AdminTest.KEY);
        assertThat(page.status()).isEqualTo(200);
        return page.header("set-cookie").split(";")[0];
    }

    private static TestServer.Response disconnect(TestServer server, String body, String... headers) {
        return server.post("/admin/api/disconnect", body, headers);
    }

    /**
     * Asserts that each credential in {@code creds} is refused (401 {@code unauthorized}) for every view in
     * {@code views} (relative to {@code /admin/api/}) and for the disconnect of {@code body}, which carries the
     * CSRF header so that only the credential is wrong. Each refusal counts towards the address's lockout.
     */
    static void refusedWith(TestServer server, List<String> views, String body, String[][] creds) {
        for (String[] cred : creds) {
            for (String view : views) {
                TestServer.Response r = server.get("/admin/api/" + view, cred);
                assertThat(r.status()).as("%s %s", view, List.of(cred)).isEqualTo(401);
                assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
            }
            String[] withCsrf = Arrays.copyOf(cred, cred.length + 2);
            withCsrf[cred.length] = "X-Warren-Admin";
            withCsrf[cred.length + 1] = "1";
            TestServer.Response r = disconnect(server, body, withCsrf);
            assertThat(r.status())
                    .as("disconnect %s -> %s", List.of(cred), r.body())
                    .isEqualTo(401);
            assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
        }
    }

    private static void stillThere(TestServer server, TunnelClient c) {
        TestServer.Response r = server.get("/api/clients/" + c.client(), "Authorization", "Bearer " + PUBLISH_KEY);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("attached").asBoolean()).isTrue();
        assertThat(c.controls()).noneMatch(d -> d.path("path").asText().equals("/meta/close"));
    }

    @Test
    void nothingWithoutTheAdminSessionAndNeverWithThePublishKey() {
        try (TestServer server = start();
                TunnelClient a = open(server, "sse", "alice", "A", "subscribe=/room/lobby")) {
            String body = "{\"client\":\"" + a.client() + "\",\"reason\":\"no\"}";
            // Two views per kind of credential: with the disconnect, nine failures, one short of the lockout.
            refusedWith(server, List.of("users?user=alice", "clients/" + a.client()), body, new String[][] {
                {}, {"Authorization", "Bearer " + PUBLISH_KEY}, {"Cookie", "warren-admin=1999999999.forged"}
            });
            assertThat(server.get("/admin/api/paths?prefix=/").status()).isEqualTo(401);
            // Ten wrong tries from one address: locked out, as for the page itself (AdminThrottle).
            TestServer.Response locked = server.get("/admin/api/presence?path=/room/lobby");
            assertThat(locked.status()).isEqualTo(429);
            assertThat(locked.json().get("error").asText()).isEqualTo("too-many");
            stillThere(server, a);
        }
        try (TestServer server = TestServer.start()) {
            assertThat(server.get("/admin/api/paths").status())
                    .as("no admin key: no admin API")
                    .isEqualTo(404);
        }
    }

    @Test
    void theDisconnectRefusesWhatAnotherSiteCouldSend() {
        try (TestServer server = start();
                TunnelClient a = open(server, "sse", "alice", "A", "subscribe=/room/lobby")) {
            String cookie = session(server);
            String body = "{\"client\":\"" + a.client() + "\",\"reason\":\"bye\",\"reconnect\":false}";
            TestServer.Response r = disconnect(server, body, "Cookie", cookie);
            assertThat(r.status()).as("no custom header").isEqualTo(403);
            assertThat(r.json().get("error").asText()).isEqualTo("forbidden");
            assertThat(disconnect(server, body, "Cookie", cookie, "X-Warren-Admin", "yes")
                            .status())
                    .isEqualTo(403);
            assertThat(disconnect(
                                    server,
                                    body,
                                    "Cookie",
                                    cookie,
                                    "X-Warren-Admin",
                                    "1",
                                    "Origin",
                                    "http://evil.example")
                            .status())
                    .as("another origin")
                    .isEqualTo(403);
            assertThat(disconnect(server, body, "Cookie", cookie, "X-Warren-Admin", "1", "Sec-Fetch-Site", "cross-site")
                            .status())
                    .isEqualTo(403);
            assertThat(server.get("/admin/api/disconnect", "Cookie", cookie).status())
                    .isEqualTo(405);
            r = disconnect(
                    server,
                    "{\"client\":\"" + a.client() + "\",\"reason\":\"" + "x".repeat(5000) + "\"}",
                    "Cookie",
                    cookie,
                    "X-Warren-Admin",
                    "1");
            assertThat(r.status()).isEqualTo(413);
            r = disconnect(
                    server, "{\"client\":\"" + a.client() + "\",\"bogus\":1}", "Cookie", cookie, "X-Warren-Admin", "1");
            assertThat(r.status())
                    .as("the backend's own parsing: unknown members refused")
                    .isEqualTo(400);
            stillThere(server, a);

            r = disconnect(
                    server,
                    body,
                    "Cookie",
                    cookie,
                    "X-Warren-Admin",
                    "1",
                    "Origin",
                    server.url("").replaceAll("/$", ""),
                    "Sec-Fetch-Site",
                    "same-origin");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("tunnels").asInt()).isEqualTo(1);
            JsonNode close = a.awaitControl("/meta/close", Duration.ofSeconds(10));
            assertThat(close.get("data").get("reason").asText()).isEqualTo("bye");
            assertThat(close.get("data").get("reconnect").asBoolean()).isFalse();
        }
    }

    @Test
    void theViewsAnswerAsTheBackendApiDoes() {
        try (TestServer server = start();
                TunnelClient a = open(server, "sse", "alice", "A", "subscribe=/room/lobby");
                TunnelClient b = open(server, "stream", "alice", "A2", "subscribe=/room/lobby", "subscribe=/room/*");
                TunnelClient m = open(server, "sse", HOSTILE_USER, HOSTILE_INFO, "subscribe=/room/den")) {
            String cookie = session(server);
            for (String q : new String[] {
                "paths?prefix=/room/",
                "presence?path=/room/lobby",
                "clients/" + a.client(),
                "users?user=alice",
                "users?user=alice&limit=1"
            }) {
                TestServer.Response mine = server.get("/admin/api/" + q, "Cookie", cookie);
                TestServer.Response backend = server.get("/api/" + q, "Authorization", "Bearer " + PUBLISH_KEY);
                assertThat(mine.status()).as(q).isEqualTo(200);
                assertThat(mine.body()).as(q).isEqualTo(backend.body());
            }
            // The one difference: the page's search field sends an empty prefix for "all paths"; the API refuses it.
            assertThat(server.get("/admin/api/paths?prefix=", "Cookie", cookie).body())
                    .isEqualTo(server.get("/api/paths?prefix=/", "Authorization", "Bearer " + PUBLISH_KEY)
                            .body());
            TestServer.Response empty = server.get("/api/paths?prefix=", "Authorization", "Bearer " + PUBLISH_KEY);
            assertThat(empty.status()).isEqualTo(400);
            assertThat(empty.body()).contains("bad-path");
            JsonNode users =
                    server.get("/admin/api/users?user=alice", "Cookie", cookie).json();
            assertThat(users.get("count").asInt()).isEqualTo(2);
            assertThat(users.get("clients").findValuesAsText("client"))
                    .containsExactlyElementsOf(
                            List.of(a.client(), b.client()).stream().sorted().toList());
            assertThat(users.get("clients").findValuesAsText("format")).containsExactlyInAnyOrder("sse", "stream");
            assertThat(users.get("next").isNull()).isTrue();
            JsonNode first = server.get("/admin/api/users?user=alice&limit=1", "Cookie", cookie)
                    .json();
            assertThat(first.get("count").asInt()).isEqualTo(2);
            JsonNode second = server.get(
                            "/admin/api/users?user=alice&limit=1&after="
                                    + first.get("next").asText(),
                            "Cookie",
                            cookie)
                    .json();
            assertThat(List.of(
                            first.get("clients").get(0).get("client").asText(),
                            second.get("clients").get(0).get("client").asText()))
                    .as("paged by client id")
                    .containsExactlyElementsOf(
                            List.of(a.client(), b.client()).stream().sorted().toList());
            assertThat(second.get("next").isNull()).isTrue();
            JsonNode mallory = server.get("/admin/api/clients/" + m.client(), "Cookie", cookie)
                    .json();
            assertThat(mallory.get("user").asText()).isEqualTo(HOSTILE_USER);
            assertThat(mallory.get("info").get("name").asText())
                    .as("JSON-escaped, the page shows it as text")
                    .isEqualTo(HOSTILE_INFO);

            assertThat(server.get("/admin/api/users?user=nobody", "Cookie", cookie)
                            .json()
                            .get("count")
                            .asInt())
                    .isZero();
            assertThat(server.get("/admin/api/users", "Cookie", cookie).status())
                    .isEqualTo(400);
            assertThat(server.get("/admin/api/clients/nobody", "Cookie", cookie).status())
                    .isEqualTo(404);
            assertThat(server.get("/admin/api/paths?limit=0", "Cookie", cookie).status())
                    .isEqualTo(400);
            assertThat(server.get("/admin/api/paths?prefix=room", "Cookie", cookie)
                            .status())
                    .isEqualTo(400);
            assertThat(server.post("/admin/api/paths", "", "Cookie", cookie).status())
                    .isEqualTo(405);
        }
    }

    @Test
    void thePagesOwnFeedIsNoClientOfTheApplication() throws Exception {
        try (TestServer server = start();
                TunnelClient a = open(server, "sse", "admin", "A", "subscribe=/room/lobby");
                RawHttp feed = RawHttp.get(
                        server.port(), "/admin/events", Map.of("Authorization", "Bearer " + AdminTest.KEY))) {
            assertThat(feed.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.server().node().tunnelCount() == 2);
            String auth = "Bearer " + PUBLISH_KEY;
            JsonNode paths =
                    server.get("/api/paths?prefix=/", "Authorization", auth).json();
            assertThat(paths.toString())
                    .isEqualTo("{\"count\":1,\"paths\":[{\"path\":\"/room/lobby\",\"count\":1}],\"next\":null}");
            String cookie = session(server);
            JsonNode users =
                    server.get("/admin/api/users?user=admin", "Cookie", cookie).json();
            assertThat(users.get("clients").findValuesAsText("client"))
                    .as("the feed's identity is named admin too, and is not listed")
                    .containsExactly(a.client());
            // A backend command on the user 'admin' reaches the application's client, never the feed.
            TestServer.Response r =
                    server.post("/api/disconnect", "{\"user\":\"admin\",\"reason\":\"x\"}", "Authorization", auth);
            assertThat(r.json().get("tunnels").asInt()).isEqualTo(1);
            a.awaitControl("/meta/close", Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.server().node().tunnelCount() == 1);
            assertThat(server.get("/api/paths?prefix=/", "Authorization", auth)
                            .json()
                            .get("count")
                            .asInt())
                    .isZero();
        }
    }
}
