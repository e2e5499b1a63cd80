package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.Limits;
import io.warren.NodeOptions;
import io.warren.api.NodeListener;
import io.warren.api.TunnelEvent;
import io.warren.datagram.ClientDatagram;
import io.warren.format.Formats;
import io.warren.path.PathPattern;
import io.warren.spi.Authorizer;
import io.warren.spi.Identity;
import io.warren.spi.TunnelRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the application hears of a tunnel's life ({@link TunnelEvent}, sent by lifecycle hooks): open with
 * its interests, the client's own subscribes and unsubscribes, one end (culled or closed with a reason),
 * and nothing for a tunnel that moves to another node.
 */
class TunnelEventsTest {
    private static final long SECOND = 1_000_000_000L;

    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final RecordsTest.Shared registry = new RecordsTest.Shared();
    private final List<String> events = new ArrayList<>();
    private long now;
    private Node node;
    private Sweeps sweeps;
    private RecordingConnection last;

    @BeforeEach
    void node() {
        Identity expired = new Identity("late", Map.of(), Instant.now().minusSeconds(1));
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .options(NodeOptions.defaults().withTunnelTimeout(Duration.ofSeconds(10)))
                .registry(registry)
                .authenticator(r -> CompletableFuture.completedFuture(
                        r.remoteAddress().equals("10.0.0.9") ? expired : new Identity("ann", Map.of())))
                .listener(new NodeListener() {
                    @Override
                    public void tunnelEvent(TunnelEvent e) {
                        events.add(e.kind() + " " + e.tunnel().identity().user()
                                + (e.pattern() != null ? " " + e.pattern().key() : "")
                                + (e.reason() != null ? " " + e.reason() : ""));
                    }
                })
                .executors(List.of(exec))
                .clock(() -> now)
                .build();
        node.start();
        sweeps = new Sweeps(node, Limits.defaults(), new Records(registry, node::options, node));
    }

    @AfterEach
    void close() {
        node.close();
    }

    private Tunnel open(String address, String... subscribe) {
        List<PathPattern> ps = new ArrayList<>();
        for (String s : subscribe) {
            ps.add(PathPattern.parse(s));
        }
        last = conn();
        return exec.done(node.open(NodeSecurityTest.from(address), node.shardFor(exec), ps, last));
    }

    private static RecordingConnection conn() {
        return new RecordingConnection(Formats.builtIn().get("stream"));
    }

    private void send(Tunnel t, String path, String data) {
        exec.done(node.clientDatagrams(t, List.of(new ClientDatagram(t.id(), path, data, "r", null))));
    }

    private void sweepAt(long nanos) {
        now = nanos;
        Shard s = node.shardFor(exec);
        exec.execute(() -> sweeps.sweep(s));
        exec.runPending();
    }

    @Test
    void openWithItsInterestsThenOnlyTheClientsOwnChangesThenOneCull() {
        Tunnel t = open("10.0.0.1", "/a");
        send(t, "/meta/subscribe", "{\"path\":\"/b\",\"subpaths\":true}");
        send(t, "/meta/subscribe", "{\"path\":\"/b\",\"subpaths\":true}");
        send(t, "/meta/unsubscribe", "{\"path\":\"/a\"}");
        send(t, "/meta/unsubscribe", "{\"path\":\"/never\"}");
        node.detach(t, last);
        exec.runPending();
        sweepAt(11 * SECOND);

        assertThat(t.isClosed()).isTrue();
        assertThat(events)
                .as("a repeated subscribe, an unsubscribe of nothing, the interests let go with the cull: no event")
                .containsExactly(
                        "OPEN ann",
                        "SUBSCRIBE ann /a",
                        "SUBSCRIBE ann /b +subpaths",
                        "UNSUBSCRIBE ann /a",
                        "CULLED ann culled");
    }

    @Test
    void expiredCredentialsCloseWithTheirReason() {
        open("10.0.0.9");
        sweepAt(SECOND);
        assertThat(events).containsExactly("OPEN late", "CLOSE late expired");
    }

    @Test
    void aTunnelTakenOverByAnotherNodeIsNeitherClosedHereNorOpenedThere() {
        Tunnel here = open("10.0.0.1", "/a");
        events.clear();
        registry.listener.evicted(here.id());
        exec.runPending();
        assertThat(here.isClosed()).isTrue();

        registry.claimable = new TunnelRecord(
                "t-elsewhere-0123456789abcdef",
                "c-elsewhere",
                new Identity("bob", Map.of()),
                List.of(PathPattern.parse("/a")),
                "0");
        RecordingConnection c = conn();
        Tunnel taken = exec.done(node.attach(
                NodeSecurityTest.from("10.0.0.1"),
                node.shardFor(exec),
                "t-elsewhere-0123456789abcdef",
                null,
                List.of(),
                c));
        assertThat(taken.clientId()).isEqualTo("c-elsewhere");
        assertThat(events).as("superseded here, restored there").isEmpty();
    }
}
