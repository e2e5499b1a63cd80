package io.warren.spi;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The cluster-wide register of tunnels, so that a client may re-attach its tunnel on any node. Each
 * tunnel has exactly one <em>owner</em>, the node that holds it in memory; a node that is asked for a
 * tunnel it does not know {@linkplain #claim claims} it, and the previous owner is told to let go.
 * A single node uses {@link #local()}, which knows no tunnel beyond the node's own.
 *
 * <p><b>What it owns, and what it does not.</b> The registry owns routing: tunnel id to owning node, and
 * the lookups from a public name to tunnel ids ({@link #tunnelOfClient}, {@link #tunnelsOfUser}) that the
 * backend's commands need to {@link #forward} to the owner. Tunnel ids are bearer secrets, so nothing it
 * answers is shown to anybody. It is not the read model: who is connected, with which user, interests and
 * node, as the backend's queries show it, is the {@link ClientDirectory}'s, and no query is answered from
 * here (nor is any command routed by the directory).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Expiry.</b> A record lives for the {@code ttl} given with its last {@link #put}. The owner
 *   refreshes the records of its tunnels well within that time; a record whose owner died or stalled
 *   expires, and that is the cluster-wide cull: nobody can claim it afterwards.</li>
 *   <li><b>Ownership.</b> {@link #put} only writes a record this node owns (or, with {@code create},
 *   one that does not exist); {@link #claim} makes this node the owner and calls
 *   {@link Listener#evicted} on the previous owner's registry (best effort: the previous owner also learns
 *   it from the answer of its next {@link #put}). {@link #remove} only removes a record this node owns.</li>
 *   <li><b>Forwarding.</b> {@link #forward} carries an opaque request to the owner of a tunnel and its
 *   answer back, so that a node may serve a request for a tunnel another node holds (client datagrams
 *   sent to any node). At most once: a request whose answer is lost (timeout) may still have been
 *   served by the owner, so callers make requests safe to repeat. Bounded: a member keeps a capped
 *   number of requests in flight and waits a bounded time for each; beyond either it fails the stage,
 *   it never queues without bound or hangs.</li>
 *   <li><b>Threading.</b> Methods are thread-safe, never block, and complete their stage later. The
 *   listener may be called from any thread.</li>
 * </ul>
 */
public interface TunnelRegistry extends AutoCloseable {

    /** Starts; {@code listener} hears of tunnels other nodes took over. Called once, first. */
    CompletionStage<Void> start(Listener listener);

    /** Whether records are shared with other nodes at all; when false the node skips the bookkeeping. */
    boolean shared();

    /**
     * Writes records this node owns and sets their expiry to {@code ttl}. With {@code create}, a missing
     * record is created (a new tunnel, or records lost by the backend); without it, a missing record stays
     * missing (it expired: the tunnel was culled cluster-wide).
     *
     * @return the tunnel ids that were not written, each with why: {@link PutResult#OWNED_ELSEWHERE} or
     * {@link PutResult#MISSING}; empty when all were written
     */
    CompletionStage<Map<String, PutResult>> put(Collection<TunnelRecord> records, Duration ttl, boolean create);

    /**
     * Makes this node the owner of {@code tunnelId} (expiry {@code ttl}) and returns its record, or
     * {@code null} when no node has it (unknown, culled, or expired).
     */
    CompletionStage<TunnelRecord> claim(String tunnelId, Duration ttl);

    /** Removes the record of a tunnel this node culled, if this node still owns it. */
    CompletionStage<Void> remove(String tunnelId);

    /**
     * Hands {@code request} to the {@link Listener#forwarded} of the node that owns {@code tunnelId} and
     * completes with its answer. Completes with {@code null} when no other node owns the tunnel (no record,
     * or the record names this node) or the owner answered {@code null} (it no longer holds it). Fails
     * when the owner cannot be reached or does not answer in time, or too many requests are in flight;
     * the request may then have been served or not. A registry that shares nothing completes with
     * {@code null} at once. Ownership is not changed.
     */
    CompletionStage<String> forward(String tunnelId, String request);

    /**
     * The id of the tunnel whose public client id is {@code clientId}, as its records say, or {@code null}
     * when the registry knows none; for the backend's commands, which then {@link #forward} to its owner. The
     * answer may name a tunnel that just ended (forwarding then answers {@code null}). A registry that
     * shares nothing (the default) knows none.
     */
    default CompletionStage<@Nullable String> tunnelOfClient(String clientId) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The ids of the tunnels whose identity's {@link Identity#user() user} is {@code user}, cluster-wide, as
     * their records say (possibly including tunnels that just ended, never missing one whose record was
     * written); for the backend's commands. A registry that shares nothing (the default) knows none.
     */
    default CompletionStage<Set<String>> tunnelsOfUser(String user) {
        return CompletableFuture.completedFuture(Set.of());
    }

    @Override
    void close();

    /** Why a record was not written by {@link #put}. */
    enum PutResult {
        OWNED_ELSEWHERE,
        MISSING
    }

    /** Hears about this node's tunnels. */
    interface Listener {
        /** Another node claimed {@code tunnelId}: end its connection here and forget it (without culling). */
        void evicted(String tunnelId);

        /**
         * Another node {@linkplain #forward forwarded} {@code request} for {@code tunnelId}, which the
         * registry records as this node's: the answer goes back to it, {@code null} when this node does not
         * hold the tunnel. A failed stage fails the forwarding node's stage. By default no tunnel is held.
         */
        default CompletionStage<String> forwarded(String tunnelId, String request) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** The single-node registry: shares nothing, knows nothing beyond the node itself. */
    static TunnelRegistry local() {
        return Local.INSTANCE;
    }

    /** See {@link #local()}. */
    final class Local implements TunnelRegistry {
        static final Local INSTANCE = new Local();
        private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

        private Local() {}

        @Override
        public CompletionStage<Void> start(Listener listener) {
            return DONE;
        }

        @Override
        public boolean shared() {
            return false;
        }

        @Override
        public CompletionStage<Map<String, PutResult>> put(
                Collection<TunnelRecord> records, Duration ttl, boolean create) {
            return CompletableFuture.completedFuture(Map.of());
        }

        @Override
        public CompletionStage<TunnelRecord> claim(String tunnelId, Duration ttl) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> remove(String tunnelId) {
            return DONE;
        }

        @Override
        public CompletionStage<String> forward(String tunnelId, String request) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}
    }
}
