package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.ErrorCode;
import io.warren.NodeOptions;
import io.warren.WarrenException;
import io.warren.broker.SwitchableBroker;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.format.Format;
import io.warren.format.Formats;
import io.warren.path.PathPattern;
import io.warren.spi.Authorizer;
import io.warren.spi.OpenRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine without a network: a manual executor and clock make every timer deterministic. */
class NodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenRequest REQUEST = NodeSecurityTest.from("127.0.0.1");

    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final Formats formats = Formats.builtIn();
    private Node node;

    private Node node(NodeOptions options) {
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .options(options)
                .executors(List.of(exec))
                .clock(exec::now)
                .build();
        node.start();
        return node;
    }

    private Node node() {
        return node(NodeOptions.defaults()
                .withTunnelTimeout(Duration.ofSeconds(10))
                .withKeepalive(Duration.ofSeconds(5))
                .withPollTimeout(Duration.ofSeconds(3))
                .withReplaySize(16));
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private <T> T done(CompletionStage<T> stage) {
        exec.runPending();
        CompletableFuture<T> f = stage.toCompletableFuture();
        assertThat(f).isDone();
        return f.join();
    }

    private Tunnel open(RecordingConnection c, String... patterns) {
        return done(node.open(REQUEST, node.shardFor(exec), Node.openPatterns(Arrays.asList(patterns)), c));
    }

    private RecordingConnection conn(String format) {
        return new RecordingConnection(formats.get(format));
    }

    /** Publishes a burst of {@code n} datagrams, then lets the shard run (one drain for the burst). */
    private List<String> publish(String path, int n) {
        List<CompletableFuture<Ack>> acks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            acks.add(node.publish(path, "{\"n\":" + i + "}").toCompletableFuture());
        }
        exec.runPending();
        return acks.stream().map(a -> a.join().id()).toList();
    }

    /** Datagrams in a stream-format connection's text (ndjson). */
    private static List<JsonNode> lines(RecordingConnection c) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : c.text().split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static List<String> ids(List<JsonNode> ds) {
        return ds.stream()
                .filter(d -> d.has("id"))
                .map(d -> d.get("id").asText())
                .toList();
    }

    private List<Ack> client(Tunnel t, String path, String data, String ref) {
        return done(node.clientDatagrams(t, List.of(new ClientDatagram(t.id(), path, data, ref, null))));
    }

    @Test
    void deliversOnceWhenSeveralPatternsMatchAndFlushesOncePerBatch() throws Exception {
        node();
        RecordingConnection c = conn("stream");
        Tunnel t = open(c, "/a/b", "/a/*", "/a/**", "/**");
        assertThat(client(t, "/meta/subscribe", "{\"path\":\"/a\",\"subpaths\":true}", "s1")
                        .get(0)
                        .ok())
                .isTrue();
        int flushesBefore = c.flushes.size();
        List<String> ids = publish("/a/b", 3);
        List<JsonNode> got = lines(c);
        assertThat(got.get(0).get("path").asText()).isEqualTo("/meta/open");
        assertThat(ids(got)).containsExactlyElementsOf(ids);
        assertThat(c.flushes.size() - flushesBefore)
                .as("one flush for the whole burst")
                .isEqualTo(1);
    }

    @Test
    void unsubscribeStopsDeliveryAndInterestsAreCounted() throws Exception {
        node();
        RecordingConnection c1 = conn("stream");
        RecordingConnection c2 = conn("stream");
        Tunnel t1 = open(c1, "/x/*");
        Tunnel t2 = open(c2, "/x/*");
        assertThat(node.interestCount()).isEqualTo(3); // /x/* and two client paths
        client(t1, "/meta/unsubscribe", "{\"path\":\"/x/*\"}", null);
        publish("/x/y", 1);
        assertThat(ids(lines(c1))).isEmpty();
        assertThat(ids(lines(c2))).hasSize(1);
        client(t2, "/meta/unsubscribe", "{\"path\":\"/x/*\"}", null);
        assertThat(node.interestCount()).isEqualTo(2);
    }

    @Test
    void clientPublishesCarryFromAndRetriesAreIdempotent() throws Exception {
        node();
        RecordingConnection c = conn("stream");
        Tunnel t = open(c, "/chat/**");
        Ack first = client(t, "/chat/r", "\"hi\"", "ref-1").get(0);
        Ack again = client(t, "/chat/r", "\"hi\"", "ref-1").get(0);
        assertThat(again).isEqualTo(first);
        assertThat(first.ref()).isEqualTo("ref-1");
        exec.runPending();
        List<JsonNode> got = lines(c).subList(1, lines(c).size());
        assertThat(got).hasSize(1);
        assertThat(got.get(0).get("from").asText()).isEqualTo(t.clientId());
    }

    @Test
    void aRetryOfAFailedPublishIsPublishedNotAnsweredFromTheWindow() throws Exception {
        SwitchableBroker flaky = new SwitchableBroker(true);
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .executors(List.of(exec))
                .clock(exec::now)
                .broker(flaky)
                .build();
        node.start();
        RecordingConnection c = conn("stream");
        Tunnel t = open(c, "/r");
        Ack failed = client(t, "/r", "1", "same").get(0);
        assertThat(failed.ok()).isFalse();
        assertThat(failed.error()).isEqualTo(ErrorCode.OVERLOADED);
        flaky.down(false);
        Ack retried = client(t, "/r", "1", "same").get(0);
        assertThat(retried.ok()).isTrue();
        assertThat(client(t, "/r", "1", "same").get(0)).isEqualTo(retried);
        exec.runPending();
        assertThat(ids(lines(c))).containsExactly(retried.id());
    }

    @Test
    void controlPathsAreGuarded() {
        node();
        Tunnel t = open(conn("stream"));
        assertThat(client(t, "/meta/open", "{}", null).get(0).error()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(client(t, "/meta/subscribe", "{\"path\":\"/meta/*\"}", null)
                        .get(0)
                        .error())
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(client(t, "/meta/subscribe", "{\"path\":\"/client/other\"}", null)
                        .get(0)
                        .error())
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(client(t, "/meta/subscribe", "{\"path\":\"/a/*/b\"}", null)
                        .get(0)
                        .error())
                .isEqualTo(ErrorCode.BAD_PATH);
        assertThat(client(t, "/meta/subscribe", "[1]", null).get(0).error()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(client(t, "/bad path", "1", null).get(0).error()).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(t.interestCount()).isZero();
        assertThatThrownBy(() -> Node.openPatterns(List.of("/meta/x"))).isInstanceOf(WarrenException.class);
    }

    @Test
    void resumeReplaysWhatWasMissedInOrderWithOriginalIds() throws Exception {
        node();
        RecordingConnection c1 = conn("stream");
        Tunnel t = open(c1, "/feed");
        List<String> before = publish("/feed", 3);
        node.detach(t, c1);
        exec.runPending();
        List<String> missed = publish("/feed", 4);

        RecordingConnection c2 = conn("sse");
        done(node.attach(REQUEST, node.shardFor(exec), t.id(), before.get(1), List.of(), c2));
        String text = c2.text();
        assertThat(text).contains("\"resumed\":true").doesNotContain("\"gap\"");
        List<String> sseIds = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("id: ")) {
                sseIds.add(line.substring(4));
            }
        }
        List<String> expected = new ArrayList<>(before.subList(2, 3));
        expected.addAll(missed);
        assertThat(sseIds).containsExactlyElementsOf(expected);
        publish("/feed", 1);
        assertThat(c2.text()).contains("\"n\":0");
    }

    @Test
    void gapWhenTheLastIdIsNoLongerBuffered() throws Exception {
        node(NodeOptions.defaults().withReplaySize(3));
        RecordingConnection c1 = conn("stream");
        Tunnel t = open(c1, "/feed");
        List<String> ids = publish("/feed", 2);
        node.detach(t, c1);
        exec.runPending();
        List<String> later = publish("/feed", 5);
        RecordingConnection c2 = conn("stream");
        done(node.attach(REQUEST, node.shardFor(exec), t.id(), ids.get(0), List.of(), c2));
        List<JsonNode> got = lines(c2);
        assertThat(got.get(0).get("data").get("gap").asBoolean()).isTrue();
        assertThat(ids(got)).containsExactlyElementsOf(later.subList(2, 5));
    }

    @Test
    void aNewAttachEndsTheOldConnectionWithItsFooter() {
        node();
        RecordingConnection c1 = conn("iframe");
        Tunnel t = open(c1);
        RecordingConnection c2 = conn("stream");
        done(node.attach(REQUEST, node.shardFor(exec), t.id(), null, List.of(), c2));
        assertThat(c1.endReason).isEqualTo("superseded");
        assertThat(c1.text()).contains("/meta/close").contains("superseded").endsWith("</body></html>\n");
        assertThat(c2.ended()).isFalse();
    }

    @Test
    void detachedTunnelsAreCulledAfterTheTimeoutAndComeBackReplaced() throws Exception {
        node();
        RecordingConnection c1 = conn("stream");
        Tunnel t = open(c1, "/x");
        node.detach(t, c1);
        exec.advanceMillis(9_000);
        assertThat(node.tunnel(t.id())).isNotNull();
        exec.advanceMillis(2_000);
        assertThat(node.tunnel(t.id())).isNull();
        assertThat(node.tunnelCount()).isZero();
        assertThat(node.interestCount()).as("interests go with the tunnel").isZero();

        RecordingConnection c2 = conn("stream");
        Tunnel t2 = done(node.attach(REQUEST, node.shardFor(exec), t.id(), "whatever", List.of(), c2));
        assertThat(t2.id()).isNotEqualTo(t.id());
        JsonNode open = lines(c2).get(0).get("data");
        assertThat(open.get("resumed").asBoolean()).isFalse();
        assertThat(open.get("replaced").asText()).isEqualTo(t.id());
        assertThat(open.get("tunnel").asText()).isEqualTo(t2.id());
    }

    @Test
    void attachedTunnelsAreNeverCulledAndGetKeepalives() {
        node();
        RecordingConnection c = conn("stream");
        Tunnel t = open(c);
        exec.advanceMillis(4_000);
        assertThat(c.text()).doesNotContain("/meta/keepalive");
        exec.advanceMillis(2_000);
        assertThat(c.text()).contains("{\"path\":\"/meta/keepalive\",\"data\":null}");
        exec.advanceMillis(60_000);
        assertThat(node.tunnel(t.id())).isNotNull();
        assertThat(c.text().split("/meta/keepalive").length - 1).isBetween(10, 13);
    }

    @Test
    void pollsAreHeldAnsweredAcknowledgedAndTimedOut() throws Exception {
        node();
        RecordingConnection p1 = conn("longpoll");
        Tunnel t = open(p1, "/q");
        assertThat(p1.endReason).isEqualTo("poll");
        assertThat(JSON.readTree(p1.text()).get(0).get("path").asText()).isEqualTo("/meta/open");

        RecordingConnection p2 = conn("longpoll");
        done(node.attach(REQUEST, node.shardFor(exec), t.id(), null, List.of(), p2));
        assertThat(p2.ended()).as("held while nothing is ready").isFalse();
        List<String> ids = publish("/q", 2);
        assertThat(p2.ended()).isTrue();
        JsonNode batch = JSON.readTree(p2.text());
        assertThat(batch).hasSize(2);
        assertThat(batch.get(0).get("id").asText()).isEqualTo(ids.get(0));

        // Not acknowledged: sent again. Then acknowledged with last: held, and no open datagram.
        RecordingConnection p3 = conn("longpoll");
        done(node.attach(REQUEST, node.shardFor(exec), t.id(), null, List.of(), p3));
        assertThat(JSON.readTree(p3.text())).hasSize(2);
        RecordingConnection p4 = conn("longpoll");
        done(node.attach(REQUEST, node.shardFor(exec), t.id(), ids.get(1), List.of(), p4));
        assertThat(p4.ended()).isFalse();
        exec.advanceMillis(3_100);
        assertThat(p4.text()).isEqualTo("[]");
        assertThat(node.tunnel(t.id()))
                .as("between polls is detached, but not for long")
                .isNotNull();
    }

    @Test
    void slowConsumersAreClosedInsteadOfBuffering() {
        node(NodeOptions.defaults().withReplaySize(4));
        RecordingConnection c = conn("stream");
        Tunnel t = open(c, "/fast");
        c.writable = false;
        publish("/fast", 4);
        assertThat(c.ended()).isFalse();
        publish("/fast", 1);
        assertThat(c.endReason).isEqualTo("slow");
        assertThat(c.text()).contains("\"reason\":\"slow\"");
        assertThat(node.tunnel(t.id())).isNotNull();
    }

    @Test
    void refusedAuthenticationCreatesNothing() {
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .executors(List.of(exec))
                .clock(exec::now)
                .authenticator(r -> CompletableFuture.failedFuture(new IllegalStateException("nope")))
                .build();
        node.start();
        CompletableFuture<Tunnel> f =
                node.open(REQUEST, node.shardFor(exec), List.of(), conn("sse")).toCompletableFuture();
        exec.runPending();
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join)
                .hasCauseInstanceOf(WarrenException.class)
                .satisfies(
                        e -> assertThat(((WarrenException) e.getCause()).code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        assertThat(node.tunnelCount()).isZero();
    }

    @Test
    void patternsAtOpenAreValidatedAndDeduplicated() {
        assertThat(Node.openPatterns(List.of("/a", "/a", "/b/**")))
                .containsExactly(PathPattern.parse("/a"), PathPattern.parse("/b/**"));
        assertThatThrownBy(() -> Node.openPatterns(List.of("/client/x"))).isInstanceOf(WarrenException.class);
        Format f = formats.get("longpoll");
        assertThat(f.mode()).isNotNull();
    }
}
