package io.warren.spi;

import io.warren.datagram.Datagram;
import io.warren.path.PathPattern;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Moves published datagrams between the nodes that share one path space. A single node uses
 * {@link MemoryBroker}; a cluster uses a broker on shared infrastructure (Redis).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Interest.</b> A node calls {@link #subscribe} when its first local tunnel registers a pattern
 *   and {@link #unsubscribe} when its last one drops it. Once the stage returned by {@code subscribe}
 *   completes, every datagram published anywhere afterwards whose path the pattern matches is delivered
 *   to this node's {@link Listener}. Calls for one pattern are made in order (never two concurrent calls
 *   for the same pattern key).</li>
 *   <li><b>Delivery.</b> {@link #publish} delivers the datagram to the listener of every node with a
 *   matching interest, its own included, at most once per node (a node receives a datagram once even
 *   when several of its patterns match). Datagrams published to one path through one broker instance
 *   arrive at each listener in publish order.</li>
 *   <li><b>Loss.</b> When the broker loses datagrams (its backend was unreachable) it says so through
 *   {@link Listener#onGap()} once it delivers again (every interest active again), so that tunnels can
 *   report a gap instead of silently missing data.</li>
 *   <li><b>Replay.</b> A broker with a shared log answers {@link #replay} with the datagrams published
 *   after a given one, so that a tunnel re-attached on another node misses nothing; one without a log
 *   answers {@link Replay#NONE}.</li>
 *   <li><b>Threading.</b> All methods are thread-safe and must not block: they return at once and
 *   complete their stage later. The listener may be called from any thread, but never concurrently for
 *   datagrams of one path.</li>
 * </ul>
 *
 * Every implementation must pass the shared contract test suite ({@code BrokerContract} in the tests).
 */
public interface Broker extends AutoCloseable {

    /** Starts delivering to {@code listener}; called once before any other method. */
    CompletionStage<Void> start(Listener listener);

    /** Publishes one datagram (with its id already assigned). The stage fails if it could not be handed on. */
    CompletionStage<Void> publish(Datagram datagram);

    /** Registers this node's interest in {@code pattern}; completes when the interest is active. */
    CompletionStage<Void> subscribe(PathPattern pattern);

    /** Drops this node's interest in {@code pattern}. */
    CompletionStage<Void> unsubscribe(PathPattern pattern);

    /**
     * The current end of the log as an opaque position, for {@link #replay} of a tunnel whose client had
     * received nothing yet; null when there is no log (the default).
     */
    default CompletionStage<String> mark() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The datagrams published after the one with id {@code after} (or, when {@code after} is null, after
     * the position {@code mark} from {@link #mark()}) whose path one of {@code patterns} matches, oldest
     * first, at most {@code max} (the newest ones when there are more). {@link Replay#complete()} says
     * whether that is all of them: false when the starting point is no longer in the log (trimmed), or
     * more than {@code max} matched. The default has no log.
     */
    default CompletionStage<Replay> replay(String after, String mark, Collection<PathPattern> patterns, int max) {
        return CompletableFuture.completedFuture(Replay.NONE);
    }

    /**
     * The history of one path (see {@link HistoryRule}), oldest first: the datagrams after the one with
     * id {@code since} when it is given, else the newest {@code recent}. {@link Replay#complete()} is
     * false when {@code since} is no longer in the history. A path without history, or a broker without
     * any (the default), answers {@link Replay#NONE}.
     */
    default CompletionStage<Replay> history(io.warren.path.Path path, @Nullable String since, int recent) {
        return CompletableFuture.completedFuture(Replay.NONE);
    }

    /**
     * Idempotent backend publishing ({@code POST /publish} entries with their own {@code id}): records
     * {@code datagramId} under {@code key} for {@code window} unless a record exists, atomically for every
     * node sharing this broker. Completes with the datagram id recorded earlier (the publish is a retry: it
     * is acknowledged with that id and not published again), or {@code null} when this call made the record
     * (publish it). Bounded: an implementation that cannot take one more record fails the stage, as it does
     * when its backend is unreachable; the caller then answers {@code overloaded}, never publishes twice. The
     * default does not remember and fails.
     */
    default CompletionStage<@Nullable String> claimOnce(String key, String datagramId, java.time.Duration window) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this broker keeps no publish ids"));
    }

    /**
     * Drops the record {@link #claimOnce} made for {@code key} if it still names {@code datagramId}: the publish
     * failed, so that a retry with the same key may succeed. Best effort.
     */
    default CompletionStage<Void> forgetClaim(String key, String datagramId) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Checks that the broker's backend answers, for readiness probes: completes normally when it does,
     * exceptionally (with the reason) when it does not. Must not block; the caller applies its own
     * timeout. The default, for brokers without a backend, is always healthy.
     */
    default CompletionStage<Void> ping() {
        return CompletableFuture.completedFuture(null);
    }

    /** Stops delivering and releases resources. */
    @Override
    void close();

    /** An answer to {@link #replay}: the datagrams found and whether nothing is missing. */
    record Replay(List<Datagram> datagrams, boolean complete) {
        /** No log: nothing found, and nothing can be vouched for. */
        public static final Replay NONE = new Replay(List.of(), false);

        public Replay {
            datagrams = List.copyOf(datagrams);
        }
    }

    /** Receives datagrams for this node. */
    interface Listener {
        /**
         * Routes one datagram to this node's tunnels. Throws (a {@code WarrenException} with code
         * {@code overloaded}) when the node could not route it to every interested tunnel; those tunnels
         * are told of a gap by the node. A broker that calls the listener on the publishing thread (like
         * {@link MemoryBroker}) fails that {@link #publish} stage with the exception, so the publisher is
         * answered {@code overloaded}; a broker delivering on its own thread catches and drops it.
         */
        void onDatagram(Datagram datagram);

        /** Some datagrams may have been lost (the backend was unreachable). */
        default void onGap() {}
    }
}
