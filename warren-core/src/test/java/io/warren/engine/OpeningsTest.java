package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.ErrorCode;
import io.warren.Limits;
import io.warren.WarrenException;
import io.warren.api.NodeListener;
import io.warren.broker.MemoryBroker;
import io.warren.format.Formats;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.Authorizer;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import io.warren.spi.TunnelRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a tunnel comes to exist, on its own: every way in authenticates, reserves a place and asks the gate,
 * and a refusal gives the place back and creates nothing. Requests from 10.0.0.2 fail authentication,
 * from 10.0.0.3 may not open; patterns under {@code /no} are refused.
 */
class OpeningsTest {
    private static final Identity ALICE = new Identity("alice", Map.of());
    private static final PathPattern YES = PathPattern.parse("/yes");
    private static final PathPattern NO = PathPattern.parse("/no");

    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final RecordsTest.Shared registry = new RecordsTest.Shared();
    private final MemoryBroker broker = new MemoryBroker();
    private final Admission admission = new Admission(Limits.defaults().withMaxTunnelsPerAddress(2));
    private Node node;
    private Openings openings;

    /** Refuses /no and opens from 10.0.0.3. */
    static final class Rules implements Authorizer {
        @Override
        public CompletionStage<Boolean> canOpen(Identity identity, OpenRequest request) {
            return CompletableFuture.completedFuture(!request.remoteAddress().equals("10.0.0.3"));
        }

        @Override
        public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
            return CompletableFuture.completedFuture(!pattern.base().startsWith("/no"));
        }

        @Override
        public CompletionStage<Boolean> canPublish(Identity identity, Path path) {
            return CompletableFuture.completedFuture(true);
        }
    }

    private void node() {
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .broker(broker)
                .registry(registry)
                .executors(List.of(exec))
                .clock(exec::now)
                .build();
        node.start();
        AccessGate gate = new AccessGate(new Rules());
        Records records = new Records(registry, node::options, node);
        openings = new Openings(
                node,
                r -> CompletableFuture.completedFuture(r.remoteAddress().equals("10.0.0.2") ? null : ALICE),
                gate,
                admission,
                new Interests(broker, gate, NodeListener.NONE, node::options),
                records,
                new Sweeps(node, Limits.defaults(), records),
                broker);
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private static RecordingConnection conn() {
        return new RecordingConnection(Formats.builtIn().get("stream"));
    }

    private Tunnel open(String address, List<PathPattern> subscribe, RecordingConnection c) {
        return exec.done(openings.open(NodeSecurityTest.from(address), node.shardFor(exec), subscribe, c, null));
    }

    private static ErrorCode code(Throwable e) {
        return ((WarrenException) (e instanceof CompletionException ? e.getCause() : e)).code();
    }

    private void refused(CompletionStage<Tunnel> stage, ErrorCode expected) {
        exec.runPending();
        assertThatThrownBy(() -> stage.toCompletableFuture().join())
                .satisfies(e -> assertThat(code(e)).isEqualTo(expected));
    }

    @Test
    void anOpenRefusedByTheAuthenticatorOrTheGateGivesItsPlaceBackAndCreatesNothing() {
        node();
        refused(
                openings.open(NodeSecurityTest.from("10.0.0.2"), node.shardFor(exec), List.of(YES), conn(), null),
                ErrorCode.UNAUTHORIZED);
        refused(
                openings.open(NodeSecurityTest.from("10.0.0.3"), node.shardFor(exec), List.of(YES), conn(), null),
                ErrorCode.FORBIDDEN);
        assertThat(admission.count()).isZero();
        assertThat(node.tunnelCount()).isZero();

        RecordingConnection c = conn();
        Tunnel t = open("10.0.0.1", List.of(YES, NO), c);
        assertThat(admission.count()).isEqualTo(1);
        assertThat(t.interests()).containsExactly(YES);
        assertThat(c.text()).contains("\"refused\":[\"/no\"]");
        assertThat(registry.writes)
                .contains("create " + t.id() + " [" + YES + "] ttl="
                        + node.options().tunnelTimeout().toSeconds());
    }

    @Test
    void anAttachToALiveTunnelAsksTheGateForWhatItAddsAndListsTheRefused() {
        node();
        Tunnel t = open("10.0.0.1", List.of(), conn());
        RecordingConnection again = conn();
        Tunnel same = exec.done(
                openings.attach(NodeSecurityTest.from("10.0.0.1"), t.shard(), t.id(), null, List.of(YES, NO), again));
        assertThat(same).isSameAs(t);
        assertThat(t.interests()).containsExactly(YES);
        assertThat(again.text()).contains("\"resumed\":true").contains("\"refused\":[\"/no\"]");
        assertThat(admission.count()).as("the same tunnel: no second place").isEqualTo(1);
    }

    @Test
    void aTakeoverRecreatesTheTunnelWithItsIdsAndOnlyTheInterestsStillAllowed() {
        node();
        registry.claimable =
                new TunnelRecord("taken-over-tunnel-id-0001", "clientABCDEF", ALICE, List.of(YES, NO), null);
        RecordingConnection c = conn();
        Tunnel t = exec.done(openings.attach(
                NodeSecurityTest.from("10.0.0.1"),
                node.shardFor(exec),
                "taken-over-tunnel-id-0001",
                null,
                List.of(),
                c));
        assertThat(t.id()).isEqualTo("taken-over-tunnel-id-0001");
        assertThat(t.clientId()).isEqualTo("clientABCDEF");
        assertThat(t.interests()).containsExactly(YES);
        assertThat(node.tunnel(t.id())).isSameAs(t);
        assertThat(admission.count())
                .as("a takeover takes a place like an open")
                .isEqualTo(1);
        assertThat(registry.writes)
                .contains("put " + t.id() + " [" + YES + "] ttl="
                        + node.options().tunnelTimeout().toSeconds());
    }

    @Test
    void aTakeoverBeyondTheCapIsRefusedAndCreatesNothing() {
        node();
        admission.reserve("10.0.0.1");
        admission.reserve("10.0.0.1");
        registry.claimable = new TunnelRecord("taken-over-tunnel-id-0002", "clientABCDEF", ALICE, List.of(YES), null);
        refused(
                openings.attach(
                        NodeSecurityTest.from("10.0.0.1"),
                        node.shardFor(exec),
                        "taken-over-tunnel-id-0002",
                        null,
                        List.of(),
                        conn()),
                ErrorCode.TOO_MANY);
        assertThat(node.tunnel("taken-over-tunnel-id-0002")).isNull();
        assertThat(admission.count()).isEqualTo(2);
    }

    @Test
    void aTakeoverWhoseIdentityExpiredRemovesTheRecordAndOpensAnewAuthenticatingAgain() {
        node();
        Identity expired = new Identity("alice", Map.of(), Instant.now().minusSeconds(1));
        registry.claimable = new TunnelRecord("taken-over-tunnel-id-0003", "clientABCDEF", expired, List.of(YES), null);
        RecordingConnection c = conn();
        Tunnel t = exec.done(openings.attach(
                NodeSecurityTest.from("10.0.0.1"),
                node.shardFor(exec),
                "taken-over-tunnel-id-0003",
                null,
                List.of(),
                c));
        assertThat(t.id()).isNotEqualTo("taken-over-tunnel-id-0003");
        assertThat(t.identity()).isEqualTo(ALICE);
        assertThat(registry.writes).contains("remove taken-over-tunnel-id-0003");
        assertThat(c.text()).contains("\"replaced\":\"taken-over-tunnel-id-0003\"");
    }

    @Test
    void aNodeShuttingDownOpensNothing() {
        node();
        node.shutdown("shutdown");
        exec.runPending();
        refused(
                openings.open(NodeSecurityTest.from("10.0.0.1"), node.shardFor(exec), List.of(), conn(), null),
                ErrorCode.OVERLOADED);
        assertThat(admission.count()).isZero();
    }
}
