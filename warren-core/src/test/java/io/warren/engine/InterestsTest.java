package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.ErrorCode;
import io.warren.NodeOptions;
import io.warren.WarrenException;
import io.warren.api.NodeListener;
import io.warren.datagram.Datagram;
import io.warren.format.Formats;
import io.warren.path.PathPattern;
import io.warren.spi.Authorizer;
import io.warren.spi.Broker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Interests on their own: reference counts per pattern and when the broker is asked to (un)subscribe. */
class InterestsTest {
    private static final PathPattern A = PathPattern.parse("/a");

    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final AccessGate gate = new AccessGate(Authorizer.allowAll());
    private final Calls broker = new Calls();
    private Node node;

    /** A broker that records what it is asked and answers {@link #next} to a subscribe. */
    static final class Calls implements Broker {
        final List<String> asked = new ArrayList<>();
        CompletionStage<Void> next = CompletableFuture.completedFuture(null);

        @Override
        public CompletionStage<Void> start(Listener l) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> publish(Datagram d) {
            throw new AssertionError("not here");
        }

        @Override
        public CompletionStage<Void> subscribe(PathPattern p) {
            asked.add("+" + p.wirePath());
            return next;
        }

        @Override
        public CompletionStage<Void> unsubscribe(PathPattern p) {
            asked.add("-" + p.wirePath());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private Interests interests(int maxInterests) {
        return new Interests(
                broker, gate, NodeListener.NONE, () -> NodeOptions.defaults().withMaxInterests(maxInterests));
    }

    /** Real tunnels, opened through a node on the manual executor (their interests here are this test's own). */
    private Tunnel tunnel() {
        if (node == null) {
            node = Node.builder()
                    .authorizer(Authorizer.allowAll())
                    .executors(List.of(exec))
                    .clock(exec::now)
                    .build();
            node.start();
        }
        return exec.done(node.open(
                NodeSecurityTest.from("10.0.0.1"),
                node.shardFor(exec),
                List.of(),
                new RecordingConnection(Formats.builtIn().get("stream"))));
    }

    private AccessGate.SubscribeGrant grant(Tunnel t, PathPattern p) {
        return gate.trusted(t.identity(), List.of(p)).granted().get(0);
    }

    @Test
    void theBrokerIsAskedOnceForTheFirstHolderAndReleasedAfterTheLast() {
        Interests interests = interests(8);
        Tunnel t1 = tunnel();
        Tunnel t2 = tunnel();
        assertThat(interests.subscribe(t1, grant(t1, A)).toCompletableFuture()).isDone();
        interests.subscribe(t2, grant(t2, A));
        interests.subscribe(t2, grant(t2, A)); // held already: counted once
        assertThat(interests.holders(A)).isEqualTo(2);
        assertThat(broker.asked).containsExactly("+/a");

        interests.unsubscribe(t1, A);
        interests.unsubscribe(t1, A); // not held any more: nothing
        assertThat(broker.asked).containsExactly("+/a");
        interests.unsubscribe(t2, A);
        assertThat(broker.asked).containsExactly("+/a", "-/a");
        assertThat(interests.holders(A)).isZero();
        assertThat(interests.count()).isZero();
    }

    @Test
    void tunnelsHoldingEqualPatternsShareOneInstance() {
        Interests interests = interests(8);
        Tunnel t1 = tunnel();
        Tunnel t2 = tunnel();
        PathPattern first = PathPattern.parse("/a");
        PathPattern copy = PathPattern.parse("/a");
        interests.subscribe(t1, grant(t1, first));
        interests.subscribe(t2, grant(t2, copy));
        assertThat(t2.interests()).singleElement().isSameAs(first);
        // Once nobody holds it, a new holder keeps its own instance (the node keeps no pattern for nobody).
        interests.unsubscribe(t1, first);
        interests.unsubscribe(t2, copy);
        Tunnel t3 = tunnel();
        interests.subscribe(t3, grant(t3, copy));
        assertThat(t3.interests()).singleElement().isSameAs(copy);
    }

    @Test
    void aSubscriptionTheBrokerCouldNotRegisterIsAskedForAgain() {
        Interests interests = interests(8);
        Tunnel t1 = tunnel();
        Tunnel t2 = tunnel();
        broker.next = CompletableFuture.failedFuture(new IllegalStateException("backend down"));
        assertThat(interests.subscribe(t1, grant(t1, A)).toCompletableFuture()).isCompletedExceptionally();
        broker.next = CompletableFuture.completedFuture(null);
        assertThat(interests.subscribe(t2, grant(t2, A)).toCompletableFuture()).isCompletedWithValue(null);
        assertThat(broker.asked).containsExactly("+/a", "+/a");
        assertThat(interests.holders(A)).isEqualTo(2);
    }

    @Test
    void beyondMaxInterestsIsTooManyAndChangesNothing() {
        Interests interests = interests(1);
        Tunnel t = tunnel();
        interests.subscribe(t, grant(t, A));
        PathPattern b = PathPattern.parse("/b");
        assertThatThrownBy(() -> interests.subscribe(t, grant(t, b)))
                .isInstanceOfSatisfying(
                        WarrenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY));
        assertThat(t.hasInterest(b)).isFalse();
        assertThat(interests.holders(b)).isZero();
        assertThat(broker.asked).containsExactly("+/a");
    }

    @Test
    void releaseAllLetsGoOfEveryInterestAndTheOwnPath() {
        Interests interests = interests(8);
        Tunnel t = tunnel();
        interests.listenOwnPath(t);
        interests.subscribe(t, grant(t, A));
        assertThat(interests.count()).isEqualTo(2);
        interests.releaseAll(t);
        assertThat(interests.count()).isZero();
        assertThat(t.interests()).isEmpty();
        assertThat(broker.asked)
                .containsExactly(
                        "+" + t.clientPattern().wirePath(),
                        "+/a",
                        "-/a",
                        "-" + t.clientPattern().wirePath());
    }
}
