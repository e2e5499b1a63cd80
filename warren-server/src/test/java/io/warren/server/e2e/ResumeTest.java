package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WireDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Point 9 (reconnect and resume without loss) and point 4 (ids survive re-sending), in every format. */
class ResumeTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        // A long poll timeout, so that a poll answered early was answered for a reason.
        server = TestServer.start(o -> o.withNode(o.node().withReplaySize(8).withPollTimeout(Duration.ofSeconds(20))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> publish(String path, int from, int to) {
        List<String> ids = new ArrayList<>();
        StringBuilder sb = new StringBuilder("[");
        for (int i = from; i < to; i++) {
            sb.append(i > from ? "," : "")
                    .append("{\"path\":\"")
                    .append(path)
                    .append("\",\"data\":")
                    .append(i)
                    .append('}');
        }
        server.publish(sb.append(']').toString())
                .forEach(a -> ids.add(a.get("id").asText()));
        return ids;
    }

    private static List<String> ids(List<JsonNode> ds) {
        return ds.stream().map(d -> d.get("id").asText()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe", "longpoll", "jsonp"})
    void reattachingWithLastReplaysEverythingMissedInOrderWithOriginalIds(String format) {
        String path = "/resume/" + format;
        TunnelClient first = server.open(format, "subscribe=" + path);
        first.awaitOpen();
        List<String> before = publish(path, 0, 3);
        assertThat(ids(first.await(3, Duration.ofSeconds(10)))).containsExactlyElementsOf(before);
        String last = first.lastId();
        first.drop();

        List<String> missed = publish(path, 3, 7);
        try (TunnelClient again = TunnelClient.attach(server.port(), format, first.tunnel(), last)) {
            if (!TunnelClient.isPoll(format)) {
                JsonNode open = again.awaitOpen();
                assertThat(open.get("resumed").asBoolean()).isTrue();
                assertThat(open.has("gap")).isFalse();
                assertThat(open.get("tunnel").asText()).isEqualTo(first.tunnel());
                assertThat(open.get("client").asText()).isEqualTo(first.client());
            }
            assertThat(ids(again.await(4, Duration.ofSeconds(10)))).containsExactlyElementsOf(missed);
            List<String> live = publish(path, 7, 9);
            assertThat(ids(again.await(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(live);
            assertThat(again.pending()).as("nothing twice").isEmpty();
            if (TunnelClient.isPoll(format)) {
                assertThat(again.controls())
                        .as("an ordinary poll is not a resume: no open datagram")
                        .isEmpty();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe", "longpoll", "jsonp"})
    void aLastIdNoLongerBufferedIsReportedAsGap(String format) {
        String path = "/gap/" + format;
        TunnelClient first = server.open(format, "subscribe=" + path);
        first.awaitOpen();
        publish(path, 0, 1);
        first.next();
        String last = first.lastId();
        first.drop();
        List<String> missed = publish(path, 1, 13); // 12 > replay-size 8
        try (TunnelClient again = TunnelClient.attach(server.port(), format, first.tunnel(), last)) {
            JsonNode open = again.awaitOpen();
            assertThat(open.get("gap").asBoolean()).isTrue();
            assertThat(open.get("resumed").asBoolean()).isTrue();
            assertThat(ids(again.await(8, Duration.ofSeconds(10)))).containsExactlyElementsOf(missed.subList(4, 12));
        }
    }

    @Test
    void sseHonoursLastEventId() throws Exception {
        TunnelClient first = server.open("sse", "subscribe=/lei");
        first.awaitOpen();
        List<String> ids = publish("/lei", 0, 3);
        first.await(3, Duration.ofSeconds(10));
        first.drop();
        RawHttp h = RawHttp.get(
                server.port(), "/tunnel?format=sse&tunnel=" + first.tunnel(), Map.of("Last-Event-ID", ids.get(0)));
        WireDecoder sse = WireDecoder.forFormat("sse");
        List<JsonNode> got = new ArrayList<>();
        byte[] buf = new byte[4096];
        while (got.size() < 3) {
            int n = h.read(buf);
            assertThat(n).isPositive();
            got.addAll(sse.feed(new String(buf, 0, n, StandardCharsets.UTF_8)));
        }
        h.close();
        assertThat(got.get(0).get("data").get("resumed").asBoolean()).isTrue();
        assertThat(got.subList(1, 3))
                .extracting(d -> d.get("sseId").asText())
                .containsExactlyElementsOf(ids.subList(1, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe"})
    void oneConnectionPerTunnelTheOldOneEndsWithTheCloseFooter(String format) throws Exception {
        TunnelClient first = server.open(format);
        first.awaitOpen();
        try (TunnelClient second = TunnelClient.attach(server.port(), format, first.tunnel(), null)) {
            assertThat(second.awaitOpen().get("resumed").asBoolean()).isTrue();
            JsonNode close = first.awaitControl("/meta/close", Duration.ofSeconds(10));
            assertThat(close.get("data").get("reason").asText()).isEqualTo("superseded");
            await().atMost(Duration.ofSeconds(10)).until(first::ended);
            if (format.equals("iframe")) {
                assertThat(first.rawText()).as("the footer closes the document").endsWith("</body></html>\n");
            }
            server.publish("{\"path\":\"/client/" + second.client() + "\",\"data\":\"still here\"}");
            assertThat(second.next().get("data").asText()).isEqualTo("still here");
        }
    }

    @Test
    void theSameDatagramKeepsItsIdOnEveryTunnel() {
        List<TunnelClient> clients = new ArrayList<>();
        for (String f : List.of("sse", "stream", "iframe", "longpoll", "jsonp")) {
            clients.add(server.open(f, "subscribe=/same"));
        }
        try {
            clients.forEach(TunnelClient::awaitOpen);
            List<String> ids = publish("/same", 0, 2);
            assertThat(ids).doesNotHaveDuplicates();
            for (TunnelClient c : clients) {
                assertThat(ResumeTest.ids(c.await(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(ids);
            }
        } finally {
            clients.forEach(TunnelClient::close);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"longpoll", "jsonp"})
    void aNewPollEndsTheHeldOneWithAnEmptyAnswer(String format) throws Exception {
        // Opened by one request, not a TunnelClient, whose background poll could race the polls below.
        String cb = format.equals("jsonp") ? "&callback=cb" : "";
        JsonNode open;
        try (RawHttp h = RawHttp.get(server.port(), "/tunnel?format=" + format + "&new=1" + cb)) {
            open = ((WireDecoder.JsonArray) WireDecoder.forFormat(format))
                    .whole(h.body())
                    .get(0)
                    .get("data");
        }
        String tunnel = open.get("tunnel").asText();
        String client = open.get("client").asText();
        String target = "/tunnel?format=" + format + "&tunnel=" + tunnel + cb;
        java.util.concurrent.CompletableFuture<String> held = poll(target);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !held.isDone());
        java.util.concurrent.CompletableFuture<String> second = poll(target);
        // The poll timeout is 20 s: an answer within 5 s is the supersede.
        assertThat(held.get(5, java.util.concurrent.TimeUnit.SECONDS)).isIn("[]", "/**/cb([]);");
        String id = publish("/client/" + client, 0, 1).get(0);
        assertThat(second.get(5, java.util.concurrent.TimeUnit.SECONDS)).contains("\"id\":\"" + id + "\"");
    }

    private static java.util.concurrent.CompletableFuture<String> poll(String target) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (RawHttp h = RawHttp.get(server.port(), target)) {
                return h.body();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
