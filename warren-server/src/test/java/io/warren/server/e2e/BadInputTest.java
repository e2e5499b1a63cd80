package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Point 12: every kind of bad input gets its 4xx JSON error, changes nothing, and never disturbs the
 * tunnels of others, which keep receiving throughout.
 */
class BadInputTest {
    static TestServer server;
    static List<TunnelClient> bystanders;

    @BeforeAll
    static void start() {
        server = TestServer.start(o -> o.withMaxBody(1024).withPublishKey("bad-input-test-key"));
        bystanders = List.of(
                server.open("sse", "subscribe=/by"),
                server.open("longpoll", "subscribe=/by"),
                server.open("iframe", "subscribe=/by"));
        bystanders.forEach(TunnelClient::awaitOpen);
    }

    @AfterAll
    static void stop() {
        bystanders.forEach(TunnelClient::close);
        server.close();
    }

    private static void expect(TestServer.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/json");
        JsonNode j = r.json();
        assertThat(j.get("error").asText()).isEqualTo(code);
        assertThat(j.get("message").asText()).isNotBlank();
    }

    private static void bystandersStillReceive(int n) {
        assertThat(server.post(
                                "/publish",
                                "{\"path\":\"/by\",\"data\":" + n + "}",
                                "Authorization",
                                "Bearer bad-input-test-key")
                        .status())
                .isEqualTo(200);
        for (TunnelClient c : bystanders) {
            assertThat(c.next().get("data").asInt()).isEqualTo(n);
        }
    }

    /** Issue 16: the 2048-character limit holds for every parameter, not only those an endpoint reads. */
    @Test
    void everyParameterIsBoundedNotOnlyKnownOnes() {
        int tunnels = server.server().node().tunnelCount();
        String ok = "x".repeat(2048);
        String over = "x".repeat(2049);
        for (String q : new String[] {
            "/tunnel?format=sse&new=1&unknown=" + over,
            "/tunnel?format=longpoll&new=1&subscribe=/a&" + over + "=1",
            "/events?tunnel=" + bystanders.get(0).tunnel() + "&path=/by&extra=" + over
        }) {
            TestServer.Response r = server.get(q);
            expect(r, 413, "too-large");
        }
        assertThat(server.get("/tunnel?format=sse&new=1&unknown=" + over)
                        .json()
                        .get("message")
                        .asText())
                .isEqualTo("parameter 'unknown' is too long (at most 2048 characters)");
        assertThat(server.server().node().tunnelCount()).as("nothing opened").isEqualTo(tunnels);
        try (TunnelClient c = server.open("longpoll", "unknown=" + ok)) {
            assertThat(c.awaitOpen().get("tunnel").asText()).hasSize(24);
        }
        bystandersStillReceive(16);
    }

    @Test
    void everyErrorCode() throws Exception {
        int tunnels = server.server().node().tunnelCount();
        int interests = server.server().node().interestCount();
        String t = bystanders.get(0).tunnel();

        expect(server.get("/tunnel?format=sse"), 400, "bad-request");
        expect(server.get("/tunnel?format=sse&tunnel=not*a*tunnel"), 400, "bad-request");
        expect(server.get("/tunnel?format=sse&new=1&format=stream"), 400, "bad-request");
        try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=%zz&new=1")) {
            assertThat(h.status()).isEqualTo(400);
            assertThat(h.body()).contains("\"error\":\"bad-request\"");
        }
        expect(server.post("/events", "{\"path\":\"/x\"}"), 400, "bad-request");
        expect(server.post("/events", "[]"), 400, "bad-request");
        expect(server.post("/events", "{\"tunnel\":\"" + t + "\",\"path\":\"/x\""), 400, "bad-json");
        expect(server.post("/events", "{\"tunnel\":\"" + t + "\",\"path\":\"/x\"} trailing"), 400, "bad-json");
        expect(server.post("/events", "{\"tunnel\":\"" + t + "\",\"path\":\"/x\",\"path\":\"/y\"}"), 400, "bad-json");
        expect(server.get("/events?tunnel=" + t + "&path=/x&data=%7Bnope"), 400, "bad-json");
        expect(server.get("/tunnel?format=sse&new=1&subscribe=/a//b"), 400, "bad-path");
        expect(server.get("/tunnel?format=sse&new=1&subscribe=/a/*/b"), 400, "bad-path");
        expect(server.get("/tunnel?format=nope&new=1"), 400, "unknown-format");
        expect(server.get("/tunnel?new=1"), 400, "unknown-format");
        expect(
                server.post("/events", "{\"tunnel\":\"AAAAAAAAAAAAAAAAAAAAAAAA\",\"path\":\"/x\"}"),
                404,
                "unknown-tunnel");
        expect(server.get("/events?tunnel=AAAAAAAAAAAAAAAAAAAAAAAA&path=/x"), 404, "unknown-tunnel");
        expect(
                server.post(
                        "/events", "{\"tunnel\":\"" + t + "\",\"path\":\"/x\",\"data\":\"" + "x".repeat(2000) + "\"}"),
                413,
                "too-large");
        expect(server.get("/tunnel?format=jsonp&new=1&callback=alert(document.cookie)"), 400, "bad-callback");
        expect(server.send("PUT", "/tunnel?format=sse&new=1", "x"), 405, "method-not-allowed");
        expect(server.send("DELETE", "/events", null), 405, "method-not-allowed");
        expect(server.post("/publish", "{\"path\":\"/by\",\"data\":1}"), 401, "unauthorized");
        expect(server.get("/tunnel?format=sse&new=1&subscribe=/meta/**"), 403, "forbidden");
        expect(server.get("/tunnel?format=sse&new=1&subscribe=/client/someone"), 403, "forbidden");
        expect(server.get("/nowhere"), 404, "not-found");

        assertThat(server.server().node().tunnelCount())
                .as("no tunnel created or lost")
                .isEqualTo(tunnels);
        assertThat(server.server().node().interestCount())
                .as("no interest changed")
                .isEqualTo(interests);
        bystandersStillReceive(1);
    }

    @Test
    void hugeHeadersAndGarbageOnTheSocketAreRefusedCleanly() throws Exception {
        try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=sse&new=1", Map.of("X-Big", "y".repeat(20_000)))) {
            assertThat(h.status()).isEqualTo(413);
            assertThat(h.body()).contains("\"error\":\"too-large\"");
        }
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("\u0000\u0001garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("\"error\":\"bad-request\"");
        }
        bystandersStillReceive(2);
    }

    @Test
    void aBadDatagramInsideAGoodRequestFailsAloneAndChangesNothing() {
        TunnelClient c = bystanders.get(0);
        JsonNode acks = server.events(
                "[{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/a/**/b\"}},"
                        + "{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/by\",\"data\":\"fine\"},"
                        + "{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/by/" + "x".repeat(300) + "\"}]");
        assertThat(acks.get(0).get("error").asText()).isEqualTo("bad-path");
        assertThat(acks.get(1).get("ok").asBoolean()).isTrue();
        assertThat(acks.get(2).get("error").asText()).isEqualTo("bad-path");
        for (TunnelClient b : bystanders) {
            JsonNode d = b.await(1, Duration.ofSeconds(10)).get(0);
            assertThat(d.get("data").asText()).isEqualTo("fine");
        }
        bystandersStillReceive(3);
    }
}
