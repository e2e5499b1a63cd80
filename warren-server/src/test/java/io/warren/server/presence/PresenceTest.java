package io.warren.server.presence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.PresenceOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Presence and the backend's queries on one node, over real HTTP, SSE and WebSocket: {@code /api/presence},
 * {@code /api/paths}, {@code /api/clients/C}, {@code /api/users} behind the publish key, and
 * {@code /meta/presence} for a tunnel subscribing with {@code "presence":true}.
 */
class PresenceTest {
    static final String KEY = "presence-test-key-0123456789";
    static final String AUTH = "Bearer " + KEY;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(o -> o.withPublishKey(KEY)
                .withNode(o.node().withPresence(PresenceOptions.of(patterns("/chat/*"))))
                .withSecurity(
                        o.security().withAnonymous(List.of("/chat/*", "/full/*", "/other/**", "/p/**"), List.of())));
    }

    static List<String> patterns(String... p) {
        return List.of(p);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The backend's query entry points, each with valid parameters. */
    static final List<String> QUERIES =
            List.of("/api/presence?path=/chat/x", "/api/paths", "/api/clients/x", "/api/users?user=ada");

    static JsonNode api(String pathAndQuery) {
        TestServer.Response r = server.get(pathAndQuery, "Authorization", AUTH);
        assertThat(r.status()).as("GET %s -> %s", pathAndQuery, r.body()).isEqualTo(200);
        return r.json();
    }

    static JsonNode subscribe(TunnelClient c, String data) {
        return server.events("{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/meta/subscribe\",\"data\":" + data + "}")
                .get(0);
    }

    static JsonNode unsubscribe(TunnelClient c, String path) {
        return server.events("{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/meta/unsubscribe\",\"data\":{\"path\":\""
                        + path + "\"}}")
                .get(0);
    }

    /** The next /meta/presence of a WebSocket tunnel, skipping keepalives; fails on anything else. */
    static JsonNode presence(WsClient ws) {
        return ws.next("/meta/presence").get("data");
    }

    static List<String> clients(JsonNode members) {
        List<String> out = new ArrayList<>();
        members.forEach(m -> out.add(m.get("client").asText()));
        return out;
    }

    @Test
    void theQueriesAnswerWhoHoldsWhatAndArePagedBehindThePublishKey() {
        try (TunnelClient a = server.open("sse", "subscribe=/p/q/a");
                TunnelClient b = server.open("sse", "subscribe=/p/q/*");
                TunnelClient c = server.open("stream", "subscribe=/p/r")) {
            a.awaitOpen();
            b.awaitOpen();
            c.awaitOpen();
            JsonNode who = api("/api/presence?path=/p/q/a");
            assertThat(who.get("count").asInt()).isEqualTo(2);
            assertThat(clients(who.get("clients")))
                    .containsExactlyElementsOf(
                            List.of(a.client(), b.client()).stream().sorted().toList());
            assertThat(who.get("clients").get(0).get("user").isNull()).isTrue();
            assertThat(who.get("next").isNull()).isTrue();

            JsonNode first = api("/api/presence?path=/p&subpaths=1&limit=2");
            assertThat(first.get("count").asInt()).isEqualTo(3);
            assertThat(first.get("clients")).hasSize(2);
            String next = first.get("next").asText();
            JsonNode second = api("/api/presence?path=/p&subpaths=1&limit=2&after=" + next);
            assertThat(second.get("clients")).hasSize(1);
            assertThat(second.get("next").isNull()).isTrue();
            List<String> all = new ArrayList<>(clients(first.get("clients")));
            all.addAll(clients(second.get("clients")));
            assertThat(all).containsExactlyInAnyOrder(a.client(), b.client(), c.client());

            JsonNode paths = api("/api/paths?prefix=/p/");
            assertThat(paths.toString())
                    .isEqualTo("{\"count\":3,\"paths\":[{\"path\":\"/p/q/*\",\"count\":1},{\"path\":\"/p/q/a\","
                            + "\"count\":1},{\"path\":\"/p/r\",\"count\":1}],\"next\":null}");

            JsonNode one = api("/api/clients/" + a.client());
            assertThat(one.get("client").asText()).isEqualTo(a.client());
            assertThat(one.get("interests").toString()).isEqualTo("[{\"path\":\"/p/q/a\"}]");
            assertThat(one.get("attached").asBoolean()).isTrue();
            assertThat(one.get("format").asText()).isEqualTo("sse");
            assertThat(one.get("node").asText())
                    .isEqualTo(server.server().node().ids().tag());

            a.drop();
            // Its tunnel lives on detached (it may come back): shown as such.
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() ->
                            !api("/api/clients/" + a.client()).get("attached").asBoolean());
        }
    }

    @Test
    void theQueriesRefuseWithoutTheKeyAndAnswerBadInputWithJsonErrors() {
        // Every query entry point, through the one gate: no key, a wrong key, a browser's Origin.
        for (String q : QUERIES) {
            assertThat(server.get(q).status()).as(q).isEqualTo(401);
            TestServer.Response wrong = server.get(q, "Authorization", "Bearer not-the-key-at-all-0000");
            assertThat(wrong.status()).as(q).isEqualTo(401);
            assertThat(wrong.json().get("error").asText()).isEqualTo("unauthorized");
            assertThat(server.get(q, "Authorization", AUTH, "Origin", "https://evil.example")
                            .status())
                    .as(q)
                    .isEqualTo(403);
            assertThat(server.post(q, "{}", "Authorization", AUTH).status())
                    .as(q)
                    .isEqualTo(405);
        }
        assertThat(server.get("/api/users", "Authorization", AUTH)
                        .json()
                        .get("error")
                        .asText())
                .isEqualTo("bad-request");
        assertThat(server.get("/api/users?user=" + "u".repeat(257), "Authorization", AUTH)
                        .status())
                .isEqualTo(400);
        assertThat(server.get("/api/users?user=u&limit=1001", "Authorization", AUTH)
                        .status())
                .isEqualTo(400);
        TestServer.Response post = server.post("/api/presence?path=/chat/x", "{}", "Authorization", AUTH);
        assertThat(post.status()).isEqualTo(405);
        assertThat(server.get("/api/presence", "Authorization", AUTH)
                        .json()
                        .get("error")
                        .asText())
                .isEqualTo("bad-request");
        assertThat(server.get("/api/presence?path=nope", "Authorization", AUTH)
                        .json()
                        .get("error")
                        .asText())
                .isEqualTo("bad-path");
        assertThat(server.get("/api/paths?limit=0", "Authorization", AUTH).status())
                .isEqualTo(400);
        TestServer.Response missing = server.get("/api/clients/nobody", "Authorization", AUTH);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asText()).isEqualTo("not-found");
    }

    @Test
    void aWatcherGetsTheMembersThenJoinsAndLeavesAndAReattachIsNoLeave() {
        try (WsClient w = WsClient.connect(server, "new=1")) {
            String me = w.next("/meta/open").get("data").get("client").asText();
            w.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/chat/room\",\"presence\":true},\"id\":\"s1\"}");
            JsonNode snapshot = presence(w);
            assertThat(snapshot.get("path").asText()).isEqualTo("/chat/room");
            assertThat(clients(snapshot.get("members"))).containsExactly(me);
            assertThat(snapshot.get("count").asInt()).isEqualTo(1);
            assertThat(w.next("/meta/ack").get("data").get("ok").asBoolean()).isTrue();

            try (TunnelClient x = server.open("sse")) {
                x.awaitOpen();
                assertThat(subscribe(x, "{\"path\":\"/chat/room\"}").get("ok").asBoolean())
                        .isTrue();
                JsonNode joined = presence(w);
                assertThat(joined.toString())
                        .isEqualTo("{\"path\":\"/chat/room\",\"joined\":[{\"client\":\"" + x.client()
                                + "\",\"user\":null,\"info\":null}],\"left\":[]}");

                // The connection drops and comes back within the tunnel timeout: still a member.
                x.drop();
                try (TunnelClient back = TunnelClient.attach(server.port(), "sse", x.tunnel(), x.lastId())) {
                    back.awaitOpen();
                    assertThat(unsubscribe(back, "/chat/room").get("ok").asBoolean())
                            .isTrue();
                    JsonNode left = presence(w);
                    assertThat(left.get("joined")).isEmpty();
                    assertThat(clients(left.get("left"))).containsExactly(x.client());
                }
            }
        }
    }

    @Test
    void presenceIsRefusedOffThePresencePathsAndWithoutPermission() {
        try (WsClient w = WsClient.connect(server, "new=1")) {
            w.next("/meta/open");
            w.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/other/x\",\"presence\":true},\"id\":\"a\"}");
            JsonNode off = w.next("/meta/ack").get("data");
            assertThat(off.get("error").asText()).isEqualTo("forbidden");
            assertThat(off.get("message").asText()).contains("not a presence path");
            w.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/chat/x\",\"presence\":1},\"id\":\"b\"}");
            assertThat(w.next("/meta/ack").get("data").get("error").asText()).isEqualTo("bad-request");
        }
        // Anonymous clients may subscribe to /chat/* only: /chat/a/b is a presence path of no pattern, and
        // a presence path the authorizer refuses shows nothing.
        try (TestServer strict = TestServer.start(o -> o.withNode(
                        o.node().withPresence(PresenceOptions.of(patterns("/secret/*", "/chat/*"))))
                .withSecurity(o.security().withAnonymous(List.of("/chat/*"), List.of())))) {
            WsClient w = WsClient.connect(strict, "new=1");
            w.next("/meta/open");
            w.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/secret/x\",\"presence\":true},\"id\":\"a\"}");
            assertThat(w.next("/meta/ack").get("data").get("error").asText()).isEqualTo("forbidden");
            // The next thing it sees is the answer to an allowed subscribe: no presence of /secret/x came.
            w.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/chat/y\",\"presence\":true},\"id\":\"b\"}");
            assertThat(presence(w).get("path").asText()).isEqualTo("/chat/y");
            w.close();
        }
    }

    @Test
    void membersAndPresencePathsAreBounded() {
        List<TunnelClient> open = new ArrayList<>();
        try (TestServer small = TestServer.start(
                        o -> o.withNode(o.node().withPresence(new PresenceOptions(patterns("/full/*"), 2, 3))));
                WsClient w = WsClient.connect(small, "new=1")) {
            w.next("/meta/open");
            w.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/full/room\",\"presence\":true},\"id\":\"s\"}");
            assertThat(presence(w).get("count").asInt()).isEqualTo(1);
            w.next("/meta/ack");
            for (int i = 0; i < 2; i++) {
                TunnelClient c = small.open("sse", "subscribe=/full/room");
                open.add(c);
                c.awaitOpen();
            }
            // Two members at most: the first joiner is announced, the second is not recorded.
            assertThat(clients(presence(w).get("joined")))
                    .containsExactly(open.get(0).client());
            try (WsClient late = WsClient.connect(small, "new=1")) {
                late.next("/meta/open");
                late.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/full/room\",\"presence\":true},"
                        + "\"id\":\"s\"}");
                JsonNode snapshot = presence(late);
                assertThat(snapshot.get("members")).hasSize(2);
                assertThat(snapshot.get("count").asInt()).isEqualTo(2);
                assertThat(late.next("/meta/ack").get("data").get("ok").asBoolean())
                        .isTrue();
                // At most 3 paths with members: /full/room and two more; the fourth is refused.
                List<String> acks = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    late.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/full/p" + i
                            + "\",\"presence\":true},\"id\":\"p" + i + "\"}");
                    JsonNode m = late.next();
                    while (!m.path("path").asText().equals("/meta/ack")) {
                        m = late.next();
                    }
                    assertThat(m.get("data").get("ref").asText()).isEqualTo("p" + i);
                    acks.add(m.get("data").path("error").asText("ok"));
                }
                assertThat(acks).containsExactly("ok", "ok", "too-many");
            }
        } finally {
            open.forEach(TunnelClient::close);
        }
    }
}
