package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.Limits;
import io.warren.NodeOptions;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every engine limit answers with its error code, changes nothing else, and frees up when the cause goes. */
class LimitsTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        Limits limits = Limits.defaults()
                .withMaxDatagramBytes(100)
                .withEventsPerSecond(5)
                .withEventsBurst(10)
                .withMaxPathLength(40)
                .withMaxPathDepth(4);
        server = TestServer.start(o -> o.withMaxBody(2048)
                .withNode(NodeOptions.defaults()
                        .withPollTimeout(Duration.ofSeconds(2))
                        .withTunnelTimeout(Duration.ofMillis(600))
                        .withMaxInterests(3))
                .withSecurity(SecurityOptions.defaults().withLimits(limits)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void datagramAndBodySize() {
        try (TunnelClient c = server.open("sse")) {
            c.awaitOpen();
            String big = "x".repeat(150);
            JsonNode acks = server.events("[{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/a\",\"data\":\"" + big
                    + "\"}," + "{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/a\",\"data\":\"small\"}]");
            assertThat(acks.get(0).get("error").asText()).isEqualTo("too-large");
            assertThat(acks.get(1).get("ok").asBoolean()).isTrue();
            assertThat(server.publish("{\"path\":\"/a\",\"data\":\"" + big + "\"}")
                            .get(0)
                            .get("error")
                            .asText())
                    .isEqualTo("too-large");
            TestServer.Response r = server.post(
                    "/events",
                    "[" + ("{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/a\",\"data\":1},").repeat(60) + "1]");
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.json().get("error").asText()).isEqualTo("too-large");
        }
    }

    @Test
    void interestsPerTunnel() {
        TestServer.Response r =
                server.get("/tunnel?format=sse&new=1&subscribe=/a&subscribe=/b&subscribe=/c&subscribe=/d");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.json().get("error").asText()).isEqualTo("too-many");
        try (TunnelClient c = server.open("stream", "subscribe=/a", "subscribe=/b")) {
            c.awaitOpen();
            JsonNode acks = server.events("[" + JwtAuthTest.meta(c.tunnel(), "subscribe", "/c") + ","
                    + JwtAuthTest.meta(c.tunnel(), "subscribe", "/d") + ","
                    + JwtAuthTest.meta(c.tunnel(), "unsubscribe", "/a") + ","
                    + JwtAuthTest.meta(c.tunnel(), "subscribe", "/d") + "]");
            assertThat(acks)
                    .extracting(a -> a.has("error") ? a.get("error").asText() : "ok")
                    .containsExactly("ok", "too-many", "ok", "ok");
        }
    }

    @Test
    void eventsPerSecondPerTunnel() {
        try (TunnelClient flood = server.open("sse", "subscribe=/f");
                TunnelClient calm = server.open("sse")) {
            flood.awaitOpen();
            calm.awaitOpen();
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < 30; i++) {
                sb.append(i > 0 ? "," : "")
                        .append("{\"tunnel\":\"")
                        .append(flood.tunnel())
                        .append("\",\"path\":\"/f\",\"data\":")
                        .append(i)
                        .append('}');
            }
            JsonNode acks = server.events(sb.append(']').toString());
            long ok = 0;
            long limited = 0;
            for (JsonNode a : acks) {
                if (a.path("ok").asBoolean()) {
                    ok++;
                } else {
                    assertThat(a.get("error").asText()).isEqualTo("rate-limited");
                    limited++;
                }
            }
            assertThat(ok).isBetween(10L, 12L); // the burst, plus what refilled meanwhile
            assertThat(limited).isEqualTo(30 - ok);
            assertThat(flood.await((int) ok, Duration.ofSeconds(10))).hasSize((int) ok);
            // Another tunnel's bucket is its own.
            assertThat(server.events("{\"tunnel\":\"" + calm.tunnel() + "\",\"path\":\"/f\",\"data\":\"calm\"}")
                            .get(0)
                            .get("ok")
                            .asBoolean())
                    .isTrue();
            // The bucket refills.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> server.events(
                                    "{\"tunnel\":\"" + flood.tunnel() + "\",\"path\":\"/f\",\"data\":\"later\"}")
                            .get(0)
                            .path("ok")
                            .asBoolean());
        }
    }

    @Test
    void pathLengthAndDepth() {
        try (TunnelClient c = server.open("sse")) {
            c.awaitOpen();
            String t = c.tunnel();
            JsonNode acks = server.events("[{\"tunnel\":\"" + t + "\",\"path\":\"/" + "a".repeat(45) + "\",\"data\":1},"
                    + "{\"tunnel\":\"" + t + "\",\"path\":\"/a/b/c/d/e\",\"data\":1},"
                    + JwtAuthTest.meta(t, "subscribe", "/a/b/c/d/**") + ","
                    + JwtAuthTest.meta(t, "subscribe", "/a/b/c/**") + "]");
            assertThat(acks)
                    .extracting(a -> a.has("error") ? a.get("error").asText() : "ok")
                    .containsExactly("too-large", "too-large", "too-large", "ok");
            TestServer.Response r = server.get("/tunnel?format=sse&new=1&subscribe=/a/b/c/d/e");
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.json().get("error").asText()).isEqualTo("too-large");
        }
    }

    @Test
    void tunnelsPerClientAddress() throws IOException {
        List<RawHttp> held = new ArrayList<>();
        try (TestServer server =
                TestServer.start(o -> o.withNode(NodeOptions.defaults().withTunnelTimeout(Duration.ofMillis(600)))
                        .withSecurity(SecurityOptions.defaults()
                                .withLimits(Limits.defaults().withMaxTunnelsPerAddress(3))))) {
            for (int i = 0; i < 3; i++) {
                RawHttp h =
                        RawHttp.request("127.0.0.3", server.port(), "GET", "/tunnel?format=sse&new=1", Map.of(), null);
                assertThat(h.status()).isEqualTo(200);
                held.add(h);
            }
            RawHttp over =
                    RawHttp.request("127.0.0.3", server.port(), "GET", "/tunnel?format=sse&new=1", Map.of(), null);
            assertThat(over.status()).isEqualTo(429);
            assertThat(WireDecoderAccess.error(over.body())).isEqualTo("too-many");
            // Other addresses are not affected.
            try (RawHttp other =
                    RawHttp.request("127.0.0.4", server.port(), "GET", "/tunnel?format=sse&new=1", Map.of(), null)) {
                assertThat(other.status()).isEqualTo(200);
            }
            // Once a tunnel is gone (dropped, then culled), the address may open another.
            held.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                RawHttp h =
                        RawHttp.request("127.0.0.3", server.port(), "GET", "/tunnel?format=sse&new=1", Map.of(), null);
                if (h.status() == 200) {
                    held.add(h);
                    return true;
                }
                h.close();
                return false;
            });
            held.forEach(RawHttp::close);
        }
    }

    /** Reads the error code of a JSON error body. */
    static final class WireDecoderAccess {
        static String error(String body) {
            return io.warren.server.support.WireDecoder.parse(body).get("error").asText();
        }
    }
}
