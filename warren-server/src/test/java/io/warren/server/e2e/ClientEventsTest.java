package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Point 8: client events by POST and GET, acks, idempotent client ids, per-entry errors; point 1: data values. */
class ClientEventsTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe", "longpoll", "jsonp"})
    void postArrayGetFormAndIdempotentRetries(String format) {
        String path = "/ev/" + format;
        try (TunnelClient sender = server.open(format);
                TunnelClient reader = server.open(format, "subscribe=" + path)) {
            sender.awaitOpen();
            reader.awaitOpen();
            String t = sender.tunnel();
            JsonNode acks = server.events("[{\"tunnel\":\"" + t + "\",\"path\":\"" + path
                    + "\",\"data\":{\"b\":[1,{\"c\":null}],\"a\":\"x\"},\"id\":\"m1\"},"
                    + "{\"tunnel\":\"" + t + "\",\"path\":\"" + path + "\",\"data\":\"plain string\"},"
                    + "{\"tunnel\":\"" + t + "\",\"path\":\"/meta/nope\"},"
                    + "{\"tunnel\":\"" + t + "\",\"path\":\"no-slash\",\"id\":\"m3\"},"
                    + "{\"tunnel\":\"" + t + "\",\"path\":\"" + path + "\",\"data\":true,\"id\":42}]");
            assertThat(acks).hasSize(5);
            assertThat(acks.get(0).get("ok").asBoolean()).isTrue();
            assertThat(acks.get(0).get("ref").asText()).isEqualTo("m1");
            assertThat(acks.get(1).has("ref")).isFalse();
            assertThat(acks.get(2).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(2).get("ok").asBoolean()).isFalse();
            assertThat(acks.get(2).get("message").asText()).isNotBlank();
            assertThat(acks.get(3).get("error").asText()).isEqualTo("bad-path");
            assertThat(acks.get(3).get("ref").asText()).isEqualTo("m3");
            assertThat(acks.get(4).get("ref").asText()).isEqualTo("42");

            TestServer.Response viaGet = server.get(
                    "/events?tunnel=" + t + "&path=" + enc(path) + "&data=" + enc("{\"via\":\"get\"}") + "&id=g1");
            assertThat(viaGet.status()).isEqualTo(200);
            JsonNode getAck = viaGet.json().get(0);
            assertThat(getAck.get("ok").asBoolean()).isTrue();

            // A retry of the same (tunnel, id) is acknowledged with the same id but not published again.
            JsonNode retry = server.events("{\"tunnel\":\"" + t + "\",\"path\":\"" + path
                    + "\",\"data\":{\"b\":[1,{\"c\":null}],\"a\":\"x\"},\"id\":\"m1\"}");
            assertThat(retry.get(0).get("id").asText())
                    .isEqualTo(acks.get(0).get("id").asText());
            server.publish("{\"path\":\"" + path + "\",\"data\":\"end\"}");

            List<JsonNode> got = reader.await(5, Duration.ofSeconds(10));
            assertThat(got)
                    .extracting(d -> d.get("id").asText())
                    .containsExactly(
                            acks.get(0).get("id").asText(),
                            acks.get(1).get("id").asText(),
                            acks.get(4).get("id").asText(),
                            getAck.get("id").asText(),
                            got.get(4).get("id").asText());
            JsonNode obj = got.get(0).get("data");
            assertThat(obj.get("a").asText()).isEqualTo("x");
            assertThat(obj.get("b").get(1).get("c").isNull()).isTrue();
            assertThat(got.get(1).get("data").isTextual()).isTrue();
            assertThat(got.get(1).get("data").asText()).isEqualTo("plain string");
            assertThat(got.get(3).get("data").get("via").asText()).isEqualTo("get");
            assertThat(got.get(0).get("from").asText()).isEqualTo(sender.client());
            assertThat(got.get(4).has("from")).isFalse();
            assertThat(reader.pending()).isEmpty();
            assertThat(reader.rawText()).doesNotContain(t);
        }
    }

    @Test
    void tunnelMayComeFromTheQueryAndOneRequestSpeaksForOneTunnel() {
        try (TunnelClient a = server.open("stream");
                TunnelClient b = server.open("stream")) {
            a.awaitOpen();
            b.awaitOpen();
            TestServer.Response r = server.post(
                    "/events?tunnel=" + a.tunnel(),
                    "[{\"path\":\"/q1\"},{\"tunnel\":\"" + b.tunnel() + "\",\"path\":\"/q2\"}]");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get(0).get("ok").asBoolean()).isTrue();
            assertThat(r.json().get(1).get("error").asText()).isEqualTo("bad-request");
            // The only entry naming the tunnel is itself invalid: the request still speaks for that tunnel.
            TestServer.Response mixed = server.post(
                    "/events",
                    "[{\"tunnel\":\"" + a.tunnel() + "\",\"path\":\"/a\",\"id\":true},{\"path\":\"/b\",\"data\":1}]");
            assertThat(mixed.status()).isEqualTo(200);
            assertThat(mixed.json().get(0).get("error").asText()).isEqualTo("bad-request");
            assertThat(mixed.json().get(1).get("ok").asBoolean()).isTrue();
            TestServer.Response emptyRef =
                    server.post("/events", "{\"tunnel\":\"" + a.tunnel() + "\",\"path\":\"/x\",\"id\":\"\"}");
            assertThat(emptyRef.status()).isEqualTo(200);
            assertThat(emptyRef.json().get(0).get("error").asText()).isEqualTo("bad-request");
            TestServer.Response none = server.post("/events", "{\"path\":\"/q\"}");
            assertThat(none.status()).isEqualTo(400);
            assertThat(none.json().get("error").asText()).isEqualTo("bad-request");
        }
    }
}
