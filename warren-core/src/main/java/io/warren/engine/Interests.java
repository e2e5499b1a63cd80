package io.warren.engine;

import io.warren.ErrorCode;
import io.warren.NodeOptions;
import io.warren.api.NodeListener;
import io.warren.api.TunnelEvent;
import io.warren.path.PathPattern;
import io.warren.spi.Broker;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one owner of this node's interests: which patterns its tunnels hold, how many tunnels hold each,
 * and when the {@link Broker} made each active. The broker is asked to subscribe a pattern when the first
 * local tunnel wants it and to unsubscribe when the last one lets go; a subscription the broker could not
 * register (backend unreachable) is asked for again by the next tunnel rather than failing forever.
 *
 * <p>A tunnel's interest enters its shard's routing index only with the gate's grant
 * ({@link AccessGate.SubscribeGrant}). Per-tunnel methods run on that tunnel's shard thread; the counts
 * are a concurrent map, shared by all shards.
 */
final class Interests {
    private final Broker broker;
    private final AccessGate gate;
    private final NodeListener listener;
    private final Supplier<NodeOptions> options;
    private final ConcurrentHashMap<String, Interest> byKey = new ConcurrentHashMap<>();
    private final @Nullable Presence presence; // told of every change; null in unit tests of this class alone

    Interests(Broker broker, AccessGate gate, NodeListener listener, Supplier<NodeOptions> options) {
        this(broker, gate, listener, options, null);
    }

    Interests(
            Broker broker,
            AccessGate gate,
            NodeListener listener,
            Supplier<NodeOptions> options,
            @Nullable Presence presence) {
        this.broker = broker;
        this.gate = gate;
        this.listener = listener;
        this.options = options;
        this.presence = presence;
    }

    /** Distinct patterns held (client paths included). */
    int count() {
        return byKey.size();
    }

    /** How many local tunnels hold {@code p}; 0 when none. */
    int holders(PathPattern p) {
        Interest i = byKey.get(p.key());
        return i == null ? 0 : i.count;
    }

    /**
     * Shard thread of {@code t}: adds the granted interest (at most {@link NodeOptions#maxInterests()} per
     * tunnel, else {@code too-many}). Completes when the interest is active on every node.
     */
    CompletionStage<Void> subscribe(Tunnel t, AccessGate.SubscribeGrant grant) {
        PathPattern p = shared(grant.patternFor(t));
        if (t.hasInterest(p)) {
            return Objects.requireNonNull(byKey.get(p.key()), "a held interest has its record").ready;
        }
        int max = options.get().maxInterests();
        if (t.interestCount() >= max) {
            throw ErrorCode.TOO_MANY.exception("at most " + max + " interests per tunnel");
        }
        t.addInterest(grant, p);
        t.shard().listen(t, grant);
        listener.subscribed(t, p);
        if (presence != null) {
            presence.subscribed(t, p);
        }
        return retain(p);
    }

    /** As {@link #subscribe}, at the client's own request: a new interest is announced ({@link TunnelEvent}). */
    CompletionStage<Void> clientSubscribe(Tunnel t, AccessGate.SubscribeGrant grant) {
        PathPattern p = grant.patternFor(t);
        boolean fresh = !t.hasInterest(p);
        CompletionStage<Void> ready = subscribe(t, grant);
        if (fresh) {
            listener.tunnelEvent(TunnelEvent.subscribe(t, p));
        }
        return ready;
    }

    /** As {@link #unsubscribe}, at the client's own request: a dropped interest is announced. */
    void clientUnsubscribe(Tunnel t, PathPattern p) {
        if (t.hasInterest(p)) {
            unsubscribe(t, p);
            listener.tunnelEvent(TunnelEvent.unsubscribe(t, p));
        }
    }

    /** Shard thread of {@code t}, just opened: announces it, then each interest it opened with. */
    void announceOpen(Tunnel t) {
        listener.tunnelEvent(TunnelEvent.open(t));
        for (PathPattern p : t.interests()) {
            listener.tunnelEvent(TunnelEvent.subscribe(t, p));
        }
    }

    /** Shard thread of {@code t}: routes its own {@code /client/C} to it (not listed among its interests). */
    CompletionStage<Void> listenOwnPath(Tunnel t) {
        CompletionStage<Void> ready = retain(t.clientPattern());
        t.shard().listen(t, gate.ownPath(t));
        return ready;
    }

    /** Shard thread of {@code t}; nothing when it does not hold {@code p}. */
    void unsubscribe(Tunnel t, PathPattern p) {
        unsubscribe(t, p, false);
    }

    private void unsubscribe(Tunnel t, PathPattern p, boolean closing) {
        if (t.removeInterest(p)) {
            t.shard().unlisten(t, p);
            listener.unsubscribed(t, p);
            if (presence != null) {
                presence.unsubscribed(t, p, closing);
            }
            release(p);
        }
    }

    /** Shard thread of {@code t}, which is being removed: lets go of all its interests and its own path. */
    void releaseAll(Tunnel t) {
        for (PathPattern p : List.copyOf(t.interests())) {
            unsubscribe(t, p, true);
        }
        t.shard().unlisten(t, t.clientPattern());
        release(t.clientPattern());
    }

    private CompletionStage<Void> retain(PathPattern p) {
        return byKey.compute(p.key(), (k, i) -> {
                    if (i == null) {
                        i = new Interest(p, broker.subscribe(p));
                    } else if (i.ready.toCompletableFuture().isCompletedExceptionally()) {
                        // The broker could not register it (backend unreachable): ask again rather than failing
                        // forever.
                        i.ready = broker.subscribe(p);
                    }
                    i.count++;
                    return i;
                })
                .ready;
    }

    private void release(PathPattern p) {
        byKey.computeIfPresent(p.key(), (k, i) -> {
            if (--i.count == 0) {
                broker.unsubscribe(p);
                return null;
            }
            return i;
        });
    }

    /**
     * The instance of {@code p} this node's tunnels share when one of them holds it already: a thousand
     * subscribers of {@code /a/b} keep one pattern (and its text), not a parsed copy each (heap per tunnel).
     */
    private PathPattern shared(PathPattern p) {
        Interest i = byKey.get(p.key());
        return i != null && i.pattern.equals(p) ? i.pattern : p;
    }

    /** This node's interest in one pattern: how many local tunnels hold it, and when the broker made it active. */
    private static final class Interest {
        final PathPattern pattern;
        CompletionStage<Void> ready;
        int count;

        Interest(PathPattern pattern, CompletionStage<Void> ready) {
            this.pattern = pattern;
            this.ready = ready;
        }
    }
}
