package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.api.Backend;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WsClient;
import io.warren.spi.Identity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The backend's commands over real HTTP on one node: {@code POST /api/subscribe}, {@code /api/unsubscribe}
 * and {@code /api/disconnect} for a client or every tunnel of a user, what the client sees (stream and
 * WebSocket), the same key as {@code /publish}, and every refusal changing nothing.
 */
class BackendCommandsTest {
    static final String KEY = "commands-test-publish-key";
    static final String[] AUTH = {"Authorization", "Bearer " + KEY};

    /** A server whose clients name their user with {@code user=U} (anonymous without). */
    static TestServer server() {
        return TestServer.start(
                o -> o.withPublishKey(KEY),
                b -> b.authenticator(r -> CompletableFuture.completedFuture(
                        r.query("user") == null ? Identity.ANONYMOUS : new Identity(r.query("user"), Map.of()))));
    }

    static TestServer.Response command(TestServer server, String what, String body) {
        return server.post("/api/" + what, body, AUTH);
    }

    static void publish(TestServer server, String path, String data) {
        TestServer.Response r = server.post("/publish", "{\"path\":\"" + path + "\",\"data\":\"" + data + "\"}", AUTH);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void theBackendSubscribesAndUnsubscribesOneClientWhichHearsOfIt() {
        try (TestServer server = server();
                TunnelClient c = server.open("stream");
                TunnelClient other = server.open("stream")) {
            c.awaitOpen();
            other.awaitOpen();
            TestServer.Response r =
                    command(server, "subscribe", "{\"client\":\"" + c.client() + "\",\"path\":\"/news\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"tunnels\":1}");
            JsonNode told = c.awaitControl("/meta/subscribed", Duration.ofSeconds(10));
            assertThat(told.get("data").toString()).isEqualTo("{\"path\":\"/news\",\"subpaths\":false}");
            publish(server, "/news", "hello");
            assertThat(c.next().get("data").asText()).isEqualTo("hello");

            assertThat(command(server, "unsubscribe", "{\"client\":\"" + c.client() + "\",\"path\":\"/news\"}")
                            .body())
                    .isEqualTo("{\"tunnels\":1}");
            assertThat(c.awaitControl("/meta/unsubscribed", Duration.ofSeconds(10))
                            .get("data")
                            .toString())
                    .isEqualTo("{\"path\":\"/news\",\"subpaths\":false}");
            publish(server, "/news", "gone");
            publish(server, "/client/" + c.client(), "marker");
            assertThat(c.next().get("data").asText()).isEqualTo("marker");
            publish(server, "/client/" + other.client(), "marker");
            assertThat(other.next().get("data").asText())
                    .as("the other client was not subscribed")
                    .isEqualTo("marker");
        }
    }

    @Test
    void aUserCommandReachesEveryTunnelOfThatUserAndNoOther() {
        try (TestServer server = server();
                TunnelClient ada1 = server.open("stream", "user=ada");
                TunnelClient ada2 = server.open("sse", "user=ada");
                TunnelClient bob = server.open("stream", "user=bob")) {
            WsClient ada3 = WsClient.connect(server, "new=1&user=ada");
            ada1.awaitOpen();
            ada2.awaitOpen();
            bob.awaitOpen();
            ada3.next("/meta/open");
            TestServer.Response r =
                    command(server, "subscribe", "{\"user\":\"ada\",\"path\":\"/team\",\"subpaths\":true}");
            assertThat(r.body()).isEqualTo("{\"tunnels\":3}");
            for (TunnelClient c : List.of(ada1, ada2)) {
                assertThat(c.awaitControl("/meta/subscribed", Duration.ofSeconds(10))
                                .get("data")
                                .toString())
                        .isEqualTo("{\"path\":\"/team\",\"subpaths\":true}");
            }
            assertThat(ada3.next("/meta/subscribed").get("data").toString())
                    .isEqualTo("{\"path\":\"/team\",\"subpaths\":true}");
            publish(server, "/team/x", "all of ada");
            assertThat(ada1.next().get("data").asText()).isEqualTo("all of ada");
            assertThat(ada2.next().get("data").asText()).isEqualTo("all of ada");
            assertThat(ada3.next("/team/x").get("data").asText()).isEqualTo("all of ada");
            publish(server, "/client/" + bob.client(), "marker");
            assertThat(bob.next().get("data").asText()).isEqualTo("marker");
            ada3.close();

            assertThat(command(server, "subscribe", "{\"user\":\"nobody\",\"path\":\"/team\"}")
                            .body())
                    .as("a user without tunnels: reached none")
                    .isEqualTo("{\"tunnels\":0}");
        }
    }

    @Test
    void disconnectEndsTheTunnelWithTheReasonAndTheReconnectHint() {
        try (TestServer server = server();
                TunnelClient c = server.open("stream", "user=eve");
                TunnelClient d = server.open("stream", "user=eve")) {
            c.awaitOpen();
            d.awaitOpen();
            TestServer.Response r = command(
                    server,
                    "disconnect",
                    "{\"client\":\"" + c.client() + "\",\"reason\":\"banned\",\"reconnect\":false}");
            assertThat(r.body()).isEqualTo("{\"tunnels\":1}");
            assertThat(c.awaitControl("/meta/close", Duration.ofSeconds(10))
                            .get("data")
                            .toString())
                    .isEqualTo("{\"reason\":\"banned\",\"reconnect\":false}");
            assertThat(command(server, "disconnect", "{\"client\":\"" + c.client() + "\"}")
                            .status())
                    .as("its tunnel is gone")
                    .isEqualTo(404);
            try (TunnelClient back = TunnelClient.attach(server.port(), "stream", c.tunnel(), null)) {
                assertThat(back.awaitOpen().get("replaced").asText())
                        .as("the tunnel was removed: coming back opens a new one")
                        .isEqualTo(c.tunnel());
            }
            assertThat(command(server, "disconnect", "{\"user\":\"eve\",\"reconnect\":true}")
                            .body())
                    .isEqualTo("{\"tunnels\":1}");
            assertThat(d.awaitControl("/meta/close", Duration.ofSeconds(10))
                            .get("data")
                            .toString())
                    .isEqualTo("{\"reason\":\"disconnected\",\"reconnect\":true}");
        }
    }

    @Test
    void refusalsAreJsonErrorsAndChangeNothing() {
        try (TestServer server = server();
                TunnelClient c = server.open("stream", "user=zed")) {
            c.awaitOpen();
            String ok = "{\"client\":\"" + c.client() + "\",\"path\":\"/secret\"}";
            assertRefused(server.post("/api/subscribe", ok), 401, "unauthorized");
            assertRefused(
                    server.post("/api/subscribe", ok, "Authorization", "Bearer wrong-key-wrong-key"),
                    401,
                    "unauthorized");
            assertRefused(
                    server.post("/api/subscribe", ok, AUTH[0], AUTH[1], "Origin", "https://evil.example"),
                    403,
                    "forbidden");
            assertRefused(
                    server.post("/api/subscribe", ok, AUTH[0], AUTH[1], "Content-Type", "text/plain"),
                    400,
                    "bad-request");
            assertRefused(server.send("GET", "/api/subscribe", null, AUTH), 405, "method-not-allowed");
            assertRefused(command(server, "subscribe", "{\"client\":"), 400, "bad-json");
            assertRefused(command(server, "subscribe", "[1]"), 400, "bad-request");
            assertRefused(command(server, "subscribe", "{\"path\":\"/secret\"}"), 400, "bad-request");
            assertRefused(
                    command(server, "subscribe", "{\"client\":\"x\",\"user\":\"zed\",\"path\":\"/secret\"}"),
                    400,
                    "bad-request");
            assertRefused(
                    command(server, "subscribe", "{\"user\":\"zed\",\"path\":\"/secret\",\"subpath\":true}"),
                    400,
                    "bad-request");
            assertRefused(
                    command(server, "subscribe", "{\"user\":\"zed\",\"path\":\"/secret\",\"subpaths\":1}"),
                    400,
                    "bad-request");
            assertRefused(command(server, "subscribe", "{\"user\":\"zed\"}"), 400, "bad-request");
            assertRefused(command(server, "subscribe", "{\"user\":\"zed\",\"path\":\"no-slash\"}"), 400, "bad-path");
            assertRefused(command(server, "subscribe", "{\"user\":\"zed\",\"path\":\"/meta/open\"}"), 403, "forbidden");
            assertRefused(
                    command(server, "subscribe", "{\"user\":\"zed\",\"path\":\"/client/abc\"}"), 403, "forbidden");
            assertRefused(
                    command(server, "subscribe", "{\"client\":\"no-such-client\",\"path\":\"/secret\"}"),
                    404,
                    "not-found");
            assertRefused(command(server, "disconnect", "{\"user\":\"zed\",\"reason\":\"\"}"), 400, "bad-request");
            assertRefused(command(server, "disconnect", "{\"user\":\"zed\",\"path\":\"/secret\"}"), 400, "bad-request");

            publish(server, "/secret", "leak");
            publish(server, "/client/" + c.client(), "marker");
            assertThat(c.next().get("data").asText())
                    .as("no refused command subscribed it")
                    .isEqualTo("marker");
            assertThat(c.received())
                    .extracting(d -> d.path("path").asText())
                    .as("nor told it anything, nor ended it")
                    .isSubsetOf("/meta/open", "/meta/keepalive", "/client/" + c.client());
        }
    }

    @Test
    void theJavaApiDoesTheSameFromCode() {
        try (TestServer server = server();
                TunnelClient c = server.open("stream", "user=kim")) {
            c.awaitOpen();
            Backend backend = server.server().backend();
            assertThat(backend.subscribe(Backend.Target.user("kim"), "/code", false)
                            .toCompletableFuture()
                            .join())
                    .isEqualTo(1);
            c.awaitControl("/meta/subscribed", Duration.ofSeconds(10));
            server.server().publish("/code", "1");
            assertThat(c.next().get("data").asInt()).isEqualTo(1);
            assertThat(backend.disconnect(Backend.Target.client(c.client()), "bye", false)
                            .toCompletableFuture()
                            .join())
                    .isEqualTo(1);
            assertThat(c.awaitControl("/meta/close", Duration.ofSeconds(10))
                            .get("data")
                            .get("reason")
                            .asText())
                    .isEqualTo("bye");
        }
    }

    static void assertRefused(TestServer.Response r, int status, String error) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).as(r.body()).isEqualTo(error);
        assertThat(r.json().get("message").asText()).isNotEmpty();
    }
}
