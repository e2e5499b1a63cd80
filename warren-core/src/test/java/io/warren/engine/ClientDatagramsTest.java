package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.ErrorCode;
import io.warren.Limits;
import io.warren.api.NodeListener;
import io.warren.broker.MemoryBroker;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.format.Formats;
import io.warren.path.PathPattern;
import io.warren.spi.Authorizer;
import io.warren.spi.HistoryRule;
import io.warren.spi.TunnelRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a client sends, on its own: the rate limit, the idempotency window, control datagrams and their
 * bad input (an error ack that changes nothing), and history on subscribe. Acks come back in order.
 */
class ClientDatagramsTest {
    private static final Limits LIMITS =
            Limits.defaults().withEventsPerSecond(1).withEventsBurst(7);

    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final MemoryBroker broker =
            new MemoryBroker(List.of(new HistoryRule(PathPattern.parse("/h"), 10, Duration.ofMinutes(1))));
    private final AccessGate gate = new AccessGate(Authorizer.allowAll());
    private Node node;
    private ClientDatagrams client;
    private Interests interests;

    @BeforeEach
    void node() {
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .broker(broker)
                .limits(LIMITS)
                .executors(List.of(exec))
                .clock(exec::now)
                .build();
        node.start();
        interests = new Interests(broker, gate, NodeListener.NONE, node::options);
        Records records = new Records(TunnelRegistry.local(), node::options, node);
        client = new ClientDatagrams(
                node,
                gate,
                interests,
                records,
                new Publishing(gate, broker, node.ids(), LIMITS, NodeListener.NONE),
                broker,
                LIMITS,
                new Refreshes(node, io.warren.spi.Authenticator.allowAll(), gate, interests, records));
    }

    @AfterEach
    void close() {
        node.close();
    }

    private Tunnel open(RecordingConnection c) {
        return exec.done(node.open(NodeSecurityTest.from("10.0.0.1"), node.shardFor(exec), List.of(), c));
    }

    private static RecordingConnection conn() {
        return new RecordingConnection(Formats.builtIn().get("stream"));
    }

    private List<Ack> send(Tunnel t, String... pathDataRef) {
        List<ClientDatagram> ds = new ArrayList<>();
        for (int i = 0; i < pathDataRef.length; i += 3) {
            ds.add(new ClientDatagram(t.id(), pathDataRef[i], pathDataRef[i + 1], pathDataRef[i + 2], null));
        }
        return exec.done(client.handle(t, ds));
    }

    @Test
    void acksComeInOrderAndBeyondTheBurstAreRateLimited() {
        Tunnel t = open(conn());
        List<Ack> acks = send(
                t,
                "/a",
                "1",
                "r1",
                "/meta/subscribe",
                "{\"path\":\"/b\"}",
                "r2",
                "/c",
                "3",
                "r3",
                "/c",
                "3",
                "r4",
                "/c",
                "3",
                "r5",
                "/c",
                "3",
                "r6",
                "/c",
                "3",
                "r7",
                "/d",
                "4",
                "r8");
        assertThat(acks).extracting(Ack::ref).containsExactly("r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8");
        assertThat(acks)
                .extracting(Ack::error)
                .containsExactly(null, null, null, null, null, null, null, ErrorCode.RATE_LIMITED);
        exec.advanceMillis(1_000);
        assertThat(send(t, "/d", "4", "r4").get(0).ok()).as("a token a second").isTrue();
    }

    @Test
    void theSameRefIsPublishedOnceAndAnsweredWithTheSameId() {
        RecordingConnection c = conn();
        Tunnel t = open(c);
        List<Ack> acks = send(t, "/x", "1", "same", "/x", "1", "same");
        assertThat(acks.get(0).ok()).isTrue();
        assertThat(acks.get(1).id()).isEqualTo(acks.get(0).id());
    }

    @Test
    void badControlDatagramsAreAnsweredWithAnErrorAndChangeNothing() {
        Tunnel t = open(conn());
        List<Ack> acks = send(
                t,
                "/meta/open",
                "{}",
                "a",
                "/meta/subscribe",
                "[1]",
                "b",
                "/meta/subscribe",
                "{\"path\":\"/x\",\"subpaths\":1}",
                "c",
                "/meta/subscribe",
                "{\"path\":\"/x/*\",\"recent\":1}",
                "d",
                "/meta/subscribe",
                "{\"path\":\"/x\",\"recent\":1,\"since\":\"1\"}",
                "e",
                "/meta/subscribe",
                "{\"path\":\"/x\",\"recent\":0}",
                "f",
                "/meta/subscribe",
                "{\"path\":\"/client/other\"}",
                "g");
        assertThat(acks)
                .extracting(Ack::error)
                .containsExactly(
                        ErrorCode.FORBIDDEN,
                        ErrorCode.BAD_REQUEST,
                        ErrorCode.BAD_REQUEST,
                        ErrorCode.BAD_REQUEST,
                        ErrorCode.BAD_REQUEST,
                        ErrorCode.BAD_REQUEST,
                        ErrorCode.FORBIDDEN);
        assertThat(t.interests()).isEmpty();
        assertThat(interests.count()).isZero();
    }

    @Test
    void subscribeAndUnsubscribeChangeTheInterestsOfTheTunnel() {
        Tunnel t = open(conn());
        assertThat(send(t, "/meta/subscribe", "{\"path\":\"/x\",\"subpaths\":true}", "s")
                        .get(0)
                        .ok())
                .isTrue();
        assertThat(t.hasInterest(PathPattern.parse("/x", true))).isTrue();
        assertThat(send(t, "/meta/unsubscribe", "{\"path\":\"/x\",\"subpaths\":true}", "u")
                        .get(0)
                        .ok())
                .isTrue();
        assertThat(t.interests()).isEmpty();
        assertThat(interests.count()).isZero();
    }

    @Test
    void subscribeWithRecentDeliversTheHistoryFirstAndAPathWithoutHistoryAcksAGap() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(exec.done(node.publish("/h", "{\"n\":" + i + "}")).id());
        }
        RecordingConnection c = conn();
        Tunnel t = open(c);
        Ack recent = send(t, "/meta/subscribe", "{\"path\":\"/h\",\"recent\":2}", "h")
                .get(0);
        assertThat(recent.ok()).isTrue();
        assertThat(recent.gap()).isFalse();
        assertThat(c.text()).doesNotContain(ids.get(0)).contains(ids.get(1)).contains(ids.get(2));
        assertThat(c.text().indexOf(ids.get(1))).isLessThan(c.text().indexOf(ids.get(2)));

        Ack none = send(t, "/meta/subscribe", "{\"path\":\"/nohistory\",\"since\":\"" + ids.get(0) + "\"}", "n")
                .get(0);
        assertThat(none.ok()).isTrue();
        assertThat(none.gap()).isTrue();
    }

    @Test
    void aClosedTunnelIsAnsweredUnknownTunnel() {
        Tunnel t = open(conn());
        exec.execute(() -> node.drop(t, "culled"));
        exec.runPending();
        assertThat(send(t, "/x", "1", "r").get(0).error()).isEqualTo(ErrorCode.UNKNOWN_TUNNEL);
    }
}
