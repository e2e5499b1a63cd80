package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.redis.RedisProcess;
import io.warren.server.config.ClusterOptions;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WsClient;
import io.warren.spi.Authorizer;
import io.warren.spi.HistoryRule;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one authorization gate, end to end: every way a tunnel gains an interest and every way a client
 * publishes asks the authorizer, and with an authorizer that refuses, no entry point delivers anything.
 * Entry points: open with {@code subscribe=} (HTTP, WebSocket), re-attach, replacement, {@code /meta/subscribe}
 * (plain, {@code recent}, {@code since}) and publishing over POST /events, GET /events and WebSocket, the
 * same two /events forms sent to another node of a cluster (forwarded to the tunnel's node, whose gate
 * decides), a takeover by another node, and {@code /meta/refresh} over POST /events, GET /events and WebSocket
 * (every interest asked about again for the new identity). The backend's {@code POST /api/subscribe} (for a
 * client or a user; {@code Backend} from code) is the gate's backend grant: guarded by the publish key, never
 * asked of the authorizer, never {@code /meta/} nor {@code /client/}.
 */
class AccessGateTest {

    /** Lets tunnels open (so the entry points behind an open can be driven), refuses and records every other question. */
    static final class RefuseAndRecord implements Authorizer {
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Boolean> canOpen(Identity identity, OpenRequest request) {
            return ALLOW;
        }

        @Override
        public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
            asked.add("subscribe " + pattern.wirePath());
            return DENY;
        }

        @Override
        public CompletionStage<Boolean> canPublish(Identity identity, Path path) {
            asked.add("publish " + path);
            return DENY;
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String meta(String tunnel, String data, String ref) {
        return "{" + (tunnel == null ? "" : "\"tunnel\":\"" + tunnel + "\",") + "\"path\":\"/meta/subscribe\",\"data\":"
                + data + ",\"id\":\"" + ref + "\"}";
    }

    static String publish(String tunnel, String path, String ref) {
        return "{" + (tunnel == null ? "" : "\"tunnel\":\"" + tunnel + "\",") + "\"path\":\"" + path
                + "\",\"data\":\"x\",\"id\":\"" + ref + "\"}";
    }

    /** The three {@code /meta/subscribe} forms for {@code base}: plain, with recent, with since. */
    static List<String> subscribes(String base, String sinceId) {
        return List.of(
                "{\"path\":\"" + base + "\"}",
                "{\"path\":\"" + base + "-recent\",\"recent\":5}",
                "{\"path\":\"" + base + "-since\",\"since\":\"" + sinceId + "\"}");
    }

    /** {@link #subscribes} and one with {@code "presence":true} (the server must keep presence on {@code base}). */
    static List<String> subscribesWithPresence(String base, String sinceId) {
        List<String> all = new ArrayList<>(subscribes(base, sinceId));
        all.add("{\"path\":\"" + base + "-presence\",\"presence\":true}");
        return all;
    }

    /** GET /events with one datagram: its single ack. */
    static JsonNode getEvent(TestServer server, String tunnel, String path, String data) {
        TestServer.Response r = server.get(
                "/events?tunnel=" + tunnel + "&path=" + enc(path) + (data == null ? "" : "&data=" + enc(data)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get(0);
    }

    /** The next {@code n} acks on a WebSocket; any ordinary datagram arriving meanwhile fails the test. */
    static List<JsonNode> wsAcks(WsClient ws, int n) {
        List<JsonNode> acks = new ArrayList<>();
        while (acks.size() < n) {
            JsonNode m = ws.next();
            String path = m.path("path").asText();
            if (path.equals("/meta/ack")) {
                acks.add(m.get("data"));
            } else {
                assertThat(path).as("nothing but acks and keepalives: %s", m).isEqualTo("/meta/keepalive");
            }
        }
        return acks;
    }

    /** The next ordinary WebSocket message, skipping acks and keepalives. */
    static JsonNode wsNextDatagram(WsClient ws) {
        while (true) {
            JsonNode m = ws.next();
            if (!m.path("path").asText().startsWith("/meta/")) {
                return m;
            }
        }
    }

    @Test
    void everyEntryPointAsksTheGateAndARefusingAuthorizerLetsNothingThrough() {
        RefuseAndRecord authorizer = new RefuseAndRecord();
        try (TestServer server = TestServer.start(
                o -> o.withHistory(List.of(new HistoryRule(PathPattern.parse("/g/**"), 10, Duration.ofHours(1))))
                        .withNode(o.node().withPresence(io.warren.PresenceOptions.of(List.of("/g/**")))),
                b -> b.authorizer(authorizer))) {
            // History the recent/since forms would hand out if the gate were skipped.
            List<String> withHistory = List.of(
                    "/g/post-recent", "/g/post-since", "/g/get-recent", "/g/get-since", "/g/ws-recent", "/g/ws-since");
            StringBuilder old = new StringBuilder("[");
            for (String p : withHistory) {
                old.append(old.length() > 1 ? "," : "")
                        .append("{\"path\":\"")
                        .append(p)
                        .append("\",\"data\":\"old\"}");
            }
            String sinceId =
                    server.publish(old.append(']').toString()).get(0).get("id").asText();

            List<String> expected = new ArrayList<>();
            // Open with subscribe= (HTTP stream and WebSocket).
            TunnelClient sse = server.open("sse", "subscribe=/g/open-sse");
            assertThat(sse.awaitOpen().get("refused"))
                    .extracting(JsonNode::asText)
                    .containsExactly("/g/open-sse");
            expected.add("subscribe /g/open-sse");
            String t = sse.tunnel();
            WsClient ws = WsClient.connect(server, "new=1&subscribe=/g/open-ws");
            JsonNode wsOpen = ws.next("/meta/open").get("data");
            assertThat(wsOpen.get("refused")).extracting(JsonNode::asText).containsExactly("/g/open-ws");
            expected.add("subscribe /g/open-ws");

            // Re-attach to the live tunnel with subscribe=, and attach to an unknown tunnel (a replacement opens).
            sse.drop();
            TunnelClient reattached = TunnelClient.attach(server.port(), "sse", t, null, "subscribe=/g/reattach");
            assertThat(reattached.awaitOpen().get("refused"))
                    .extracting(JsonNode::asText)
                    .containsExactly("/g/reattach");
            expected.add("subscribe /g/reattach");
            TunnelClient replacement = TunnelClient.attach(
                    server.port(), "stream", "unknownTunnelId0123456789", null, "subscribe=/g/replace");
            JsonNode replaced = replacement.awaitOpen();
            assertThat(replaced.get("replaced").asText()).isEqualTo("unknownTunnelId0123456789");
            assertThat(replaced.get("refused")).extracting(JsonNode::asText).containsExactly("/g/replace");
            expected.add("subscribe /g/replace");

            // /meta/subscribe, plain and with history, and a client publish: over POST /events ...
            List<String> post = new ArrayList<>();
            int ref = 0;
            for (String data : subscribesWithPresence("/g/post", sinceId)) {
                post.add(meta(t, data, "r" + ref++));
            }
            post.add(publish(t, "/g/pub-post", "r" + ref++));
            JsonNode postAcks = server.events("[" + String.join(",", post) + "]");
            assertThat(postAcks)
                    .hasSize(5)
                    .allSatisfy(
                            a -> assertThat(a.get("error").asText()).as("%s", a).isEqualTo("forbidden"));
            expected.addAll(List.of(
                    "subscribe /g/post",
                    "subscribe /g/post-recent",
                    "subscribe /g/post-since",
                    "subscribe /g/post-presence",
                    "publish /g/pub-post"));

            // ... over GET /events ...
            for (String data : subscribesWithPresence("/g/get", sinceId)) {
                assertThat(getEvent(server, t, "/meta/subscribe", data)
                                .get("error")
                                .asText())
                        .isEqualTo("forbidden");
            }
            assertThat(getEvent(server, t, "/g/pub-get", "1").get("error").asText())
                    .isEqualTo("forbidden");
            expected.addAll(List.of(
                    "subscribe /g/get",
                    "subscribe /g/get-recent",
                    "subscribe /g/get-since",
                    "subscribe /g/get-presence",
                    "publish /g/pub-get"));

            // ... and over the WebSocket.
            List<String> viaWs = new ArrayList<>();
            for (String data : subscribesWithPresence("/g/ws", sinceId)) {
                viaWs.add(meta(null, data, "w" + viaWs.size()));
            }
            viaWs.add(publish(null, "/g/pub-ws", "w4"));
            ws.send("[" + String.join(",", viaWs) + "]");
            assertThat(wsAcks(ws, 5))
                    .allSatisfy(
                            a -> assertThat(a.get("error").asText()).as("%s", a).isEqualTo("forbidden"));
            expected.addAll(List.of(
                    "subscribe /g/ws",
                    "subscribe /g/ws-recent",
                    "subscribe /g/ws-since",
                    "subscribe /g/ws-presence",
                    "publish /g/pub-ws"));

            assertThat(authorizer.asked).containsExactlyInAnyOrderElementsOf(expected);

            // Nothing reaches any tunnel: the backend publishes to every path asked about, then a marker to
            // each tunnel's own path, which must be the first datagram each receives.
            StringBuilder all = new StringBuilder("[");
            for (String asked : expected) {
                String path = asked.substring(asked.indexOf(' ') + 1);
                all.append(all.length() > 1 ? "," : "")
                        .append("{\"path\":\"")
                        .append(path)
                        .append("\",\"data\":\"leak\"}");
            }
            server.publish(all.append(']').toString());
            server.publish("[{\"path\":\"/client/" + reattached.client() + "\",\"data\":\"marker\"},"
                    + "{\"path\":\"/client/" + replacement.client() + "\",\"data\":\"marker\"},"
                    + "{\"path\":\"/client/" + wsOpen.get("client").asText() + "\",\"data\":\"marker\"}]");
            assertThat(reattached.next().get("data").asText()).isEqualTo("marker");
            assertThat(replacement.next().get("data").asText()).isEqualTo("marker");
            assertThat(wsNextDatagram(ws).get("data").asText()).isEqualTo("marker");
            assertThat(reattached.pending()).isEmpty();
            assertThat(replacement.pending()).isEmpty();
            reattached.close();
            replacement.close();
            ws.close();
        }
    }

    /**
     * Finding 1 (critical): {@code /meta/subscribe} with {@code recent} or {@code since} skipped
     * authorization, so an anonymous client read any path's history and live datagrams. It is refused
     * like a plain subscribe, over POST /events, GET /events and WebSocket, with or without a history rule.
     */
    @ParameterizedTest(name = "history rule configured: {0}")
    @ValueSource(booleans = {true, false})
    void finding1_metaSubscribeWithRecentOrSinceIsAuthorized(boolean historyRule) {
        SecurityOptions rules = SecurityOptions.defaults().withAnonymous(List.of("/public/**"), List.of());
        List<HistoryRule> history =
                historyRule ? List.of(new HistoryRule(PathPattern.parse("/**"), 10, Duration.ofHours(1))) : List.of();
        try (TestServer server = TestServer.start(o -> o.withSecurity(rules).withHistory(history));
                TunnelClient sse = server.open("sse");
                WsClient ws = WsClient.connect(server, "new=1")) {
            String secretId = server.publish("{\"path\":\"/secret/x\",\"data\":\"old secret\"}")
                    .get(0)
                    .get("id")
                    .asText();
            sse.awaitOpen();
            JsonNode wsOpen = ws.next("/meta/open").get("data");
            String t = sse.tunnel();
            String recent = "{\"path\":\"/secret/x\",\"recent\":5}";
            String since = "{\"path\":\"/secret/x\",\"since\":\"" + secretId + "\"}";

            JsonNode acks = server.events("[" + meta(t, recent, "a") + "," + meta(t, since, "b") + ","
                    + meta(t, "{\"path\":\"/public/p\",\"recent\":5}", "c") + "]");
            assertThat(acks.get(0).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(1).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(2).get("ok").asBoolean())
                    .as("allowed paths still take history")
                    .isTrue();
            assertThat(getEvent(server, t, "/meta/subscribe", recent)
                            .get("error")
                            .asText())
                    .isEqualTo("forbidden");
            assertThat(getEvent(server, t, "/meta/subscribe", since)
                            .get("error")
                            .asText())
                    .isEqualTo("forbidden");
            ws.send("[" + meta(null, recent, "a") + "," + meta(null, since, "b") + "]");
            assertThat(wsAcks(ws, 2))
                    .allSatisfy(a -> assertThat(a.get("error").asText()).isEqualTo("forbidden"));

            // Neither the history nor live datagrams of /secret/x arrive: the marker published after a live one comes
            // first.
            server.publish(
                    "[{\"path\":\"/secret/x\",\"data\":\"live secret\"},{\"path\":\"/public/p\",\"data\":\"marker\"},"
                            + "{\"path\":\"/client/" + wsOpen.get("client").asText() + "\",\"data\":\"marker\"}]");
            assertThat(sse.next().get("data").asText()).isEqualTo("marker");
            assertThat(wsNextDatagram(ws).get("data").asText()).isEqualTo("marker");
            assertThat(sse.pending()).isEmpty();
        }
    }

    /**
     * Cluster takeover: the interests a record carries are asked about again on the node taking the tunnel
     * over, so a node whose authorizer refuses them restores none of them.
     */
    @Test
    void aTakeoverAsksTheGateForTheInterestsItRestores() {
        RefuseAndRecord refusing = new RefuseAndRecord();
        try (RedisProcess redis = RedisProcess.start();
                TestServer a = TestServer.start(o -> o.withCluster(ClusterOptions.redis(redis.uri())));
                TestServer b = TestServer.start(
                        o -> o.withCluster(ClusterOptions.redis(redis.uri())), x -> x.authorizer(refusing))) {
            TunnelClient onA = a.open("sse", "subscribe=/t/x");
            assertThat(onA.awaitOpen().has("refused")).isFalse();
            String tunnel = onA.tunnel();
            String client = onA.client();
            onA.drop();
            try (TunnelClient onB = TunnelClient.attach(b.port(), "sse", tunnel, null, "subscribe=/t/new")) {
                JsonNode open = onB.awaitOpen();
                assertThat(open.get("resumed").asBoolean())
                        .as("taken over, not replaced")
                        .isTrue();
                assertThat(refusing.asked).containsExactlyInAnyOrder("subscribe /t/x", "subscribe /t/new");
                b.publish("[{\"path\":\"/t/x\",\"data\":\"leak\"},{\"path\":\"/t/new\",\"data\":\"leak\"},"
                        + "{\"path\":\"/client/" + client + "\",\"data\":\"marker\"}]");
                assertThat(onB.next().get("data").asText()).isEqualTo("marker");
                assertThat(onB.pending()).isEmpty();
            }
        }
    }

    /**
     * Issue 15: a {@code /meta/refresh} asks the gate again about every interest the tunnel holds, for the new
     * identity, over POST /events, GET /events and WebSocket; the refused ones are removed (told with
     * {@code /meta/unsubscribed}) and nothing published to them arrives afterwards.
     */
    @Test
    void aRefreshAsksTheGateAgainAboutEveryInterest() {
        AllowAndRecord allowing = new AllowAndRecord();
        RefuseAndRecord refusing = new RefuseAndRecord();
        java.util.concurrent.atomic.AtomicReference<Authorizer> now =
                new java.util.concurrent.atomic.AtomicReference<>(allowing);
        Authorizer switching = new Authorizer() {
            @Override
            public CompletionStage<Boolean> canOpen(Identity identity, OpenRequest request) {
                return now.get().canOpen(identity, request);
            }

            @Override
            public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
                return now.get().canSubscribe(identity, pattern);
            }

            @Override
            public CompletionStage<Boolean> canPublish(Identity identity, Path path) {
                return now.get().canPublish(identity, path);
            }
        };
        SecurityOptions.Jwt jwt = new SecurityOptions.Jwt(
                io.warren.server.support.Tokens.SECRET, null, null, null, null, null, null, null, Duration.ZERO, false);
        String token =
                io.warren.server.support.Tokens.hs256(io.warren.server.support.Tokens.claims("erin", 300, null, null));
        try (TestServer server = TestServer.start(
                o -> o.withSecurity(SecurityOptions.defaults().withJwt(jwt)), x -> x.authorizer(switching))) {
            TunnelClient post = server.open("sse", "subscribe=/r/post", "token=" + token);
            TunnelClient get = server.open("sse", "subscribe=/r/get", "token=" + token);
            WsClient ws = WsClient.connect(server, "new=1&subscribe=/r/ws&token=" + token);
            post.awaitOpen();
            get.awaitOpen();
            JsonNode wsOpen = ws.next("/meta/open").get("data");
            now.set(refusing);
            String refresh = "\"path\":\"/meta/refresh\",\"data\":{\"token\":\"" + token + "\"}";
            assertThat(server.events("{\"tunnel\":\"" + post.tunnel() + "\"," + refresh + "}")
                            .get(0)
                            .get("ok")
                            .asBoolean())
                    .isTrue();
            assertThat(getEvent(server, get.tunnel(), "/meta/refresh", "{\"token\":\"" + token + "\"}")
                            .get("ok")
                            .asBoolean())
                    .isTrue();
            ws.send("{" + refresh + ",\"id\":\"w\"}");
            assertThat(ws.next("/meta/unsubscribed").get("data").get("path").asText())
                    .isEqualTo("/r/ws");
            assertThat(ws.next("/meta/ack").get("data").get("ok").asBoolean()).isTrue();
            assertThat(post.awaitControl("/meta/unsubscribed", Duration.ofSeconds(10))
                            .get("data")
                            .get("path")
                            .asText())
                    .isEqualTo("/r/post");
            assertThat(get.awaitControl("/meta/unsubscribed", Duration.ofSeconds(10))
                            .get("data")
                            .get("path")
                            .asText())
                    .isEqualTo("/r/get");
            assertThat(refusing.asked)
                    .containsExactlyInAnyOrder("subscribe /r/post", "subscribe /r/get", "subscribe /r/ws");

            server.publish("[{\"path\":\"/r/post\",\"data\":\"leak\"},{\"path\":\"/r/get\",\"data\":\"leak\"},"
                    + "{\"path\":\"/r/ws\",\"data\":\"leak\"},"
                    + "{\"path\":\"/client/" + post.client() + "\",\"data\":\"marker\"},"
                    + "{\"path\":\"/client/" + get.client() + "\",\"data\":\"marker\"},"
                    + "{\"path\":\"/client/" + wsOpen.get("client").asText() + "\",\"data\":\"marker\"}]");
            assertThat(post.next().get("data").asText()).isEqualTo("marker");
            assertThat(get.next().get("data").asText()).isEqualTo("marker");
            assertThat(wsNextDatagram(ws).get("data").asText()).isEqualTo("marker");
            post.close();
            get.close();
            ws.close();
        }
    }

    /** Allows everything and records what it was asked: a gate that must not be the one deciding. */
    static final class AllowAndRecord implements Authorizer {
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Boolean> canOpen(Identity identity, OpenRequest request) {
            asked.add("open");
            return ALLOW;
        }

        @Override
        public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
            asked.add("subscribe " + pattern.wirePath());
            return ALLOW;
        }

        @Override
        public CompletionStage<Boolean> canPublish(Identity identity, Path path) {
            asked.add("publish " + path);
            return ALLOW;
        }
    }

    /**
     * Issue 14: POST and GET /events sent to node B for a tunnel held by node A are forwarded to A, and A's
     * gate decides with the tunnel's identity; B's authorizer (here one that would allow anything) is not
     * asked, and nothing the owner refuses is delivered.
     */
    @Test
    void eventsSentToAnotherNodeAskTheGateOfTheNodeHoldingTheTunnel() {
        RefuseAndRecord owner = new RefuseAndRecord();
        AllowAndRecord other = new AllowAndRecord();
        List<HistoryRule> history = List.of(new HistoryRule(PathPattern.parse("/g/**"), 10, Duration.ofHours(1)));
        try (RedisProcess redis = RedisProcess.start();
                TestServer a = TestServer.start(
                        o -> o.withCluster(ClusterOptions.redis(redis.uri())).withHistory(history),
                        x -> x.authorizer(owner));
                TestServer b = TestServer.start(
                        o -> o.withCluster(ClusterOptions.redis(redis.uri())).withHistory(history),
                        x -> x.authorizer(other))) {
            String sinceId = a.publish("[{\"path\":\"/g/b-post-since\",\"data\":\"old\"},"
                            + "{\"path\":\"/g/b-get-since\",\"data\":\"old\"}]")
                    .get(0)
                    .get("id")
                    .asText();
            TunnelClient onA = a.open("sse");
            onA.awaitOpen();
            String t = onA.tunnel();
            other.asked.clear();
            List<String> post = new ArrayList<>();
            for (String data : subscribes("/g/b-post", sinceId)) {
                post.add(meta(t, data, "r" + post.size()));
            }
            post.add(publish(t, "/g/b-pub-post", "r3"));
            assertThat(b.events("[" + String.join(",", post) + "]"))
                    .hasSize(4)
                    .allSatisfy(ack ->
                            assertThat(ack.get("error").asText()).as("%s", ack).isEqualTo("forbidden"));
            for (String data : subscribes("/g/b-get", sinceId)) {
                assertThat(getEvent(b, t, "/meta/subscribe", data).get("error").asText())
                        .isEqualTo("forbidden");
            }
            assertThat(getEvent(b, t, "/g/b-pub-get", "1").get("error").asText())
                    .isEqualTo("forbidden");
            List<String> expected = List.of(
                    "subscribe /g/b-post",
                    "subscribe /g/b-post-recent",
                    "subscribe /g/b-post-since",
                    "publish /g/b-pub-post",
                    "subscribe /g/b-get",
                    "subscribe /g/b-get-recent",
                    "subscribe /g/b-get-since",
                    "publish /g/b-pub-get");
            assertThat(owner.asked).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(other.asked).as("the forwarding node decides nothing").isEmpty();
            StringBuilder all = new StringBuilder("[");
            for (String asked : expected) {
                all.append(all.length() > 1 ? "," : "")
                        .append("{\"path\":\"")
                        .append(asked.substring(asked.indexOf(' ') + 1))
                        .append("\",\"data\":\"leak\"}");
            }
            b.publish(all.append(']').toString());
            b.publish("{\"path\":\"/client/" + onA.client() + "\",\"data\":\"marker\"}");
            assertThat(onA.next().get("data").asText()).isEqualTo("marker");
            assertThat(onA.pending()).isEmpty();
            onA.close();
        }
    }

    /** Issue 14: a publish the tunnel's permissions refuse gets the same ack through another node as through its own. */
    @Test
    void aPublishTheTunnelsIdentityMayNotMakeIsRefusedThroughAnotherNodeExactlyAsThroughItsOwn() {
        SecurityOptions rules = SecurityOptions.defaults()
                .withLimits(io.warren.Limits.defaults().withMaxTunnelsPerAddress(0))
                .withAnonymous(List.of("/public/**"), List.of("/public/**"));
        try (RedisProcess redis = RedisProcess.start();
                TestServer a = TestServer.start(
                        o -> o.withCluster(ClusterOptions.redis(redis.uri())).withSecurity(rules));
                TestServer b = TestServer.start(
                        o -> o.withCluster(ClusterOptions.redis(redis.uri())).withSecurity(rules));
                TunnelClient onA = a.open("sse", "subscribe=/public/*")) {
            onA.awaitOpen();
            String t = onA.tunnel();
            String refused = "[" + publish(t, "/secret/x", "s") + "," + meta(t, "{\"path\":\"/secret/*\"}", "m") + "]";
            JsonNode viaA = a.events(refused);
            JsonNode viaB = b.events(refused);
            assertThat(viaB).isEqualTo(viaA);
            assertThat(viaB)
                    .allSatisfy(ack -> assertThat(ack.get("error").asText()).isEqualTo("forbidden"));
            JsonNode allowed = b.events(publish(t, "/public/x", "p"));
            assertThat(allowed.get(0).get("ok").asBoolean()).isTrue();
            a.publish("{\"path\":\"/secret/x\",\"data\":\"not subscribed\"}");
            assertThat(onA.next().get("id").asText())
                    .isEqualTo(allowed.get(0).get("id").asText());
        }
    }

    @Test
    void theBackendsSubscribeIsTheGatesBackendGrantNotAQuestionToTheAuthorizer() {
        RefuseAndRecord authorizer = new RefuseAndRecord();
        try (TestServer server = TestServer.start(o -> o, b -> b.authorizer(authorizer));
                TunnelClient c = server.open("stream")) {
            c.awaitOpen();
            for (String path : List.of("/meta/open", "/meta/x/**", "/client/abc", "/client")) {
                TestServer.Response r =
                        server.post("/api/subscribe", "{\"client\":\"" + c.client() + "\",\"path\":\"" + path + "\"}");
                assertThat(r.status()).as("%s: %s", path, r.body()).isEqualTo(403);
            }
            TestServer.Response r =
                    server.post("/api/subscribe", "{\"client\":\"" + c.client() + "\",\"path\":\"/g/backend\"}");
            assertThat(r.body()).isEqualTo("{\"tunnels\":1}");
            server.publish("{\"path\":\"/g/backend\",\"data\":\"granted\"}");
            assertThat(c.next().get("data").asText()).isEqualTo("granted");
            assertThat(authorizer.asked)
                    .as("the backend speaks for the application")
                    .isEmpty();
        }
    }
}
