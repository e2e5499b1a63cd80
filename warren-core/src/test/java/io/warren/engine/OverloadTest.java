package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.ErrorCode;
import io.warren.NodeOptions;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.format.Formats;
import io.warren.spi.Authorizer;
import io.warren.spi.OpenRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No silent loss: a datagram a full shard inbox refuses is answered {@code overloaded} to its publisher,
 * and the tunnels that may have missed it are told of a gap. The manual executor holds the shard still,
 * so the inbox fills deterministically.
 */
class OverloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenRequest REQUEST = NodeSecurityTest.from("127.0.0.1");
    private static final int INBOX = 2;

    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final Formats formats = Formats.builtIn();
    private Node node;

    @BeforeEach
    void start() {
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .options(NodeOptions.defaults()
                        .withTunnelTimeout(Duration.ofSeconds(10))
                        .withKeepalive(Duration.ofSeconds(5))
                        .withShardInboxLimit(INBOX))
                .executors(List.of(exec))
                .clock(exec::now)
                .build();
        node.start();
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private RecordingConnection stream() {
        return new RecordingConnection(formats.get("stream"));
    }

    private Tunnel open(RecordingConnection c, String... patterns) {
        return exec.done(node.open(REQUEST, node.shardFor(exec), Node.openPatterns(Arrays.asList(patterns)), c));
    }

    /** A stream connection on a new tunnel holding {@code patterns}. */
    private RecordingConnection subscriber(String... patterns) {
        RecordingConnection c = stream();
        open(c, patterns);
        return c;
    }

    /** Publishes without letting the shard run: the acks are known at once (the memory broker routes inline). */
    private List<Ack> burst(String path, int n) {
        List<Ack> acks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<Ack> f = node.publish(path, "{\"n\":" + i + "}").toCompletableFuture();
            assertThat(f).isDone();
            acks.add(f.join());
        }
        return acks;
    }

    private static List<JsonNode> lines(RecordingConnection c) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : c.all.toString().split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static boolean isGap(JsonNode d) {
        return d.get("path").asText().equals("/meta/open")
                && d.path("data").path("gap").asBoolean(false);
    }

    @Test
    void noSilentLoss_fullInboxAnswersOverloadedAndTellsSubscribersOfAGap() throws Exception {
        RecordingConnection sub = subscriber("/feed");
        RecordingConnection other = subscriber("/elsewhere");

        List<Ack> acks = burst("/feed", INBOX + 2);
        assertThat(acks).extracting(Ack::ok).containsExactly(true, true, false, false);
        assertThat(acks.get(2).error()).isEqualTo(ErrorCode.OVERLOADED);
        exec.runPending();

        List<JsonNode> got = lines(sub);
        assertThat(got).hasSize(1 + INBOX + 1);
        assertThat(got.get(1).get("id").asText()).isEqualTo(acks.get(0).id());
        assertThat(got.get(2).get("id").asText()).isEqualTo(acks.get(1).id());
        assertThat(isGap(got.get(3)))
                .as("the gap comes after what was delivered, once for two losses")
                .isTrue();
        assertThat(lines(other))
                .as("a tunnel not interested in the lost path is not bothered")
                .hasSize(1)
                .noneMatch(OverloadTest::isGap);

        // The shard recovered: the next publish is ok and delivered, with no further gap.
        assertThat(burst("/feed", 1).get(0).ok()).isTrue();
        exec.runPending();
        List<JsonNode> after = lines(sub);
        assertThat(after).hasSize(got.size() + 1);
        assertThat(after).filteredOn(OverloadTest::isGap).hasSize(1);
    }

    @Test
    void noSilentLoss_clientEventsAreAnsweredOverloadedToo() throws Exception {
        RecordingConnection sub = subscriber("/room");
        Tunnel publisher = open(stream());
        CompletableFuture<List<Ack>> acks = node.clientDatagrams(
                        publisher, List.of(new ClientDatagram(publisher.id(), "/room", "1", "r1", null)))
                .toCompletableFuture();
        burst("/room", INBOX); // fills the inbox before the shard runs the client's datagram
        exec.runPending();
        assertThat(acks.join()).singleElement().satisfies(a -> {
            assertThat(a.ok()).isFalse();
            assertThat(a.error()).isEqualTo(ErrorCode.OVERLOADED);
        });
        assertThat(lines(sub)).filteredOn(OverloadTest::isGap).hasSize(1);
    }

    @Test
    void noSilentLoss_aDetachedSubscriberLearnsOfTheGapOnItsNextAttach() throws Exception {
        RecordingConnection first = stream();
        Tunnel t = open(first, "/feed");
        first.active = false;
        node.detach(t, first);
        exec.runPending();
        assertThat(burst("/feed", INBOX + 1)).extracting(Ack::ok).containsExactly(true, true, false);
        exec.runPending();

        RecordingConnection again = stream();
        exec.done(node.attach(REQUEST, node.shardFor(exec), t.id(), null, List.of(), again));
        assertThat(isGap(lines(again).get(0))).isTrue();
    }

    @Test
    void noSilentLoss_moreLostPathsThanKeptTellsEveryTunnelOfTheShard() throws Exception {
        RecordingConnection unrelated = subscriber("/quiet");
        burst("/fill", INBOX);
        for (int i = 0; i <= LostPaths.MAX; i++) {
            assertThat(burst("/lost/" + i, 1).get(0).ok()).isFalse();
        }
        exec.runPending();
        assertThat(lines(unrelated)).filteredOn(OverloadTest::isGap).hasSize(1);
    }
}
