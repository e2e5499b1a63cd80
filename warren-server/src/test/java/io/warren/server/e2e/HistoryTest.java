package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.path.PathPattern;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.spi.HistoryRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Per-path history on one node: /meta/subscribe with recent or since, and the gap flag in the ack. */
class HistoryTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                o -> o.withHistory(List.of(new HistoryRule(PathPattern.parse("/h/**"), 3, Duration.ofHours(1)))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<String> publish(TestServer via, String path, int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add(via.publish("{\"path\":\"" + path + "\",\"data\":" + i + "}")
                    .get(0)
                    .get("id")
                    .asText());
        }
        return ids;
    }

    static JsonNode subscribe(TestServer via, TunnelClient t, String extra) {
        return via.events("{\"tunnel\":\"" + t.tunnel() + "\",\"path\":\"/meta/subscribe\",\"data\":{" + extra + "}}")
                .get(0);
    }

    private static List<String> ids(List<JsonNode> ds) {
        return ds.stream().map(d -> d.get("id").asText()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpoll"})
    void aLateSubscriberAsksForTheRecentDatagramsThenGetsLiveOnesInOrder(String format) {
        String path = "/h/recent-" + format;
        List<String> old = publish(server, path, 0, 5);
        try (TunnelClient t = server.open(format)) {
            t.awaitOpen();
            JsonNode ack = subscribe(server, t, "\"path\":\"" + path + "\",\"recent\":2");
            assertThat(ack.get("ok").asBoolean()).isTrue();
            assertThat(ack.has("gap")).isFalse();
            assertThat(ids(t.await(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(old.subList(3, 5));
            List<String> live = publish(server, path, 5, 7);
            assertThat(ids(t.await(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(live);
            assertThat(t.pending()).isEmpty();
        }
    }

    @Test
    void sinceGivesWhatCameAfterAnIdAndAGapWhenHistoryDoesNotReachBackThatFar() {
        List<String> old = publish(server, "/h/since", 0, 5); // history keeps the last 3
        try (TunnelClient t = server.open("stream")) {
            t.awaitOpen();
            JsonNode ack = subscribe(server, t, "\"path\":\"/h/since\",\"since\":\"" + old.get(3) + "\"");
            assertThat(ack.has("gap")).isFalse();
            assertThat(ids(t.await(1, Duration.ofSeconds(10)))).containsExactly(old.get(4));

            JsonNode gap = subscribe(server, t, "\"path\":\"/h/since2\",\"since\":\"nope\"");
            assertThat(gap.get("ok").asBoolean()).isTrue();
            assertThat(gap.get("gap").asBoolean()).isTrue();

            JsonNode tooOld = subscribe(server, t, "\"path\":\"/h/since\",\"since\":\"" + old.get(0) + "\"");
            assertThat(tooOld.get("gap").asBoolean()).isTrue();
            // The tunnel already had the newest; only what it lacked comes, never twice.
            assertThat(ids(t.await(2, Duration.ofSeconds(10)))).containsExactly(old.get(2), old.get(3));
            assertThat(t.pending()).isEmpty();
        }
    }

    @Test
    void historyNeedsOneExactPathAndEitherSinceOrRecent() {
        try (TunnelClient t = server.open("stream")) {
            t.awaitOpen();
            for (String bad : new String[] {
                "\"path\":\"/h/*\",\"recent\":2",
                "\"path\":\"/h/x\",\"recent\":2,\"since\":\"a\"",
                "\"path\":\"/h/x\",\"recent\":0",
                "\"path\":\"/h/x\",\"recent\":\"2\"",
                "\"path\":\"/h/x\",\"since\":5"
            }) {
                JsonNode ack = subscribe(server, t, bad);
                assertThat(ack.get("ok").asBoolean()).as(bad).isFalse();
                assertThat(ack.get("error").asText()).as(bad).isEqualTo("bad-request");
            }
            // A path without history: subscribed all the same, and told it got no history.
            JsonNode none = subscribe(server, t, "\"path\":\"/nohistory\",\"recent\":5");
            assertThat(none.get("ok").asBoolean()).isTrue();
            assertThat(none.get("gap").asBoolean()).isTrue();
            String live = publish(server, "/nohistory", 0, 1).get(0);
            assertThat(t.next().get("id").asText()).isEqualTo(live);
        }
    }
}
