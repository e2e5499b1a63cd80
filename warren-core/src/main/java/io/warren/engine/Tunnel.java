package io.warren.engine;

import io.warren.api.TunnelView;
import io.warren.datagram.ControlDatagrams;
import io.warren.datagram.Datagram;
import io.warren.format.Format;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.Connection;
import io.warren.spi.Identity;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.NullUnmarked;

/**
 * One client's tunnel: a secret id, a public client id with its own path, its interests, a bounded
 * replay buffer, and at most one attached {@link Connection}.
 *
 * <p>Delivery: every datagram routed to the tunnel enters the replay buffer with the next sequence
 * number. An attached stream connection is written everything after its cursor; a poll connection is
 * answered with everything after the client's last acknowledged datagram. Datagrams stay buffered until
 * the buffer's bounds evict them (streams) or the client acknowledges them with {@code last} (polls), so
 * a client that re-attaches with the id of the last datagram it saw misses nothing the buffer still
 * holds, and is told {@code gap} when it may have missed something.
 * How a connection is fed is its {@link Delivery}'s business (slow consumers: {@link StreamDelivery}).
 *
 * <p>Confined to its shard's thread, except for the immutable ids and the identity (replaced on the shard
 * thread by a {@code /meta/refresh}, read from any).
 */
@NullUnmarked // until the engine split lands; then annotated like the rest of the package
public final class Tunnel implements TunnelView {
    private final TunnelContext ctx;
    private final Shard shard;
    private final String id;
    private final String clientId;
    private final PathPattern clientPattern; // its base is /client/C, the text the routing maps hold too
    private volatile Identity identity;
    private final ReplayBuffer replay;

    private final InterestSet interests = new InterestSet();
    ClientSends sends; // from the client's first send (ClientDatagrams): an idle tunnel holds none (heap)
    private HeldDeliveries held; // only while a history request is in flight
    private Delivery delivery; // the attached connection's, chosen at attach; null when detached
    private final AckCursor acked = new AckCursor();
    private long detachedAtNanos;
    private boolean returned; // attached again after the first connection (culled by tunnel-timeout)
    private Datagram lastRouted; // de-duplicates a datagram matched by several patterns
    private boolean dirty;
    private boolean closed;
    private boolean gapOwed; // datagrams were lost while detached: the next attach says gap
    private long registeredNanos; // cluster: when the registry record was last refreshed
    String logMark; // shard thread; cluster: where the broker's log stood when the tunnel opened
    int shardSlot = -1;
    String remoteAddress; // the client address that opened it (per-address limit); set once

    Tunnel(
            TunnelContext ctx,
            Shard shard,
            String id,
            String clientId,
            Identity identity,
            int replaySize,
            long replayBytes) {
        this.ctx = ctx;
        this.shard = shard;
        this.id = id;
        this.clientId = clientId;
        this.clientPattern = PathPattern.exact(Path.client(clientId));
        this.identity = identity;
        this.replay = new ReplayBuffer(replaySize, replayBytes);
        this.detachedAtNanos = ctx.nanoTime();
    }

    /** The secret tunnel id; a bearer credential, never shown to others nor logged. */
    public String id() {
        return id;
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public Path clientPath() {
        return Path.of(clientPattern.base()); // derived, not kept: a Path per idle tunnel is heap for nothing
    }

    @Override
    public Identity identity() {
        return identity;
    }

    /** Shard thread: refreshed credentials ({@link Refreshes}); the sweep ends the tunnel at their expiry. */
    void reidentify(Identity refreshed) {
        identity = refreshed;
    }

    public Shard shard() {
        return shard;
    }

    PathPattern clientPattern() {
        return clientPattern;
    }

    @Override
    public String redactedId() {
        return redact(id);
    }

    /** How any tunnel id appears in logs: its first four characters (an id has 24). */
    public static String redact(String tunnelId) {
        return tunnelId.substring(0, 4) + "…";
    }

    boolean isClosed() {
        return closed;
    }

    boolean isAttached() {
        return delivery != null;
    }

    // ---- interests (shard thread) ----

    boolean hasInterest(PathPattern p) {
        return interests.contains(p);
    }

    int interestCount() {
        return interests.size();
    }

    /** Records the granted pattern (no interest without a grant) as {@code shared}, the instance tunnels share. */
    void addInterest(AccessGate.SubscribeGrant grant, PathPattern shared) {
        if (!shared.equals(grant.patternFor(this))) {
            throw new IllegalArgumentException("not the granted pattern: " + shared);
        }
        interests.add(shared);
    }

    boolean removeInterest(PathPattern p) {
        return interests.remove(p);
    }

    /** A snapshot of the interests, in the order they were added. */
    Set<PathPattern> interests() {
        return interests.snapshot();
    }

    // ---- delivery (shard thread) ----

    /**
     * Routes one datagram into this tunnel. Returns true when the tunnel just became dirty: the caller
     * (the shard, which owns the dirty list) then calls {@link #flush} once at the end of its batch.
     */
    boolean deliver(Datagram d) {
        if (closed || lastRouted == d) {
            return false;
        }
        lastRouted = d;
        if (held != null && held.holding()) {
            held.add(d, ctx.heldLimit());
            return false;
        }
        return append(d);
    }

    /** True when the tunnel just became dirty. */
    private boolean append(Datagram d) {
        if (delivery != null) {
            delivery.beforeAppend(d);
        }
        replay.append(d);
        if (dirty) {
            return false;
        }
        dirty = true;
        return true;
    }

    /** Writes what the attached connection still lacks; called once per shard batch. */
    void flush() {
        dirty = false;
        if (delivery != null) {
            delivery.flush();
        }
    }

    /** The socket can take bytes again. */
    void writable() {
        if (delivery != null) {
            delivery.writable();
        }
    }

    // ---- attach / detach (shard thread) ----

    /**
     * Attaches {@code c}, ending any previous connection. {@code last} is the id of the last datagram the
     * client has (or null); {@code replaced} is the tunnel id this tunnel replaces (or null).
     *
     * @return false when the tunnel was culled meanwhile (the caller then opens a replacement)
     */
    boolean attach(Connection c, String last, boolean fresh, String replaced, String refusedJson) {
        if (closed) {
            return false;
        }
        if (delivery != null) {
            endConnection("superseded", true);
        }
        Format f = c.format();
        Delivery next = Delivery.of(this, c, replay, ctx, shard.executor());
        delivery = next;
        detachedAtNanos = 0;
        returned |= !fresh;
        ctx.listener().attached(this, f);

        AckCursor.Start start = acked.attach(last, replay);
        boolean gap = gapOwed || start.gap();
        gapOwed = false;
        if (gap) {
            ctx.listener().gap();
        } else if (!fresh) {
            next.resumed();
        }

        c.open(f.header(id, clientId, c.callback()));
        next.start(
                openDatagram(f, !fresh, gap, replaced, refusedJson), fresh || gap || replaced != null, start.cursor());
        if (delivery == next && !c.isActive()) {
            detach(c);
        }
        return true;
    }

    /** Poll: the client has everything through {@code seq}. */
    void acknowledgedThrough(long seq) {
        acked.advance(seq);
    }

    long ackedSeq() {
        return acked.seq();
    }

    /** The attached connection's delivery, or null. */
    Delivery delivery() {
        return delivery;
    }

    private Datagram openDatagram(Format f, boolean resumed, boolean gap, String replaced, String refusedJson) {
        long keepalive = ctx.keepaliveMillis(f);
        long expires = identity.expiresAt() == null ? 0 : identity.expiresAt().toEpochMilli();
        return ControlDatagrams.open(
                id, clientId, clientPattern.base(), keepalive, resumed, gap, replaced, refusedJson, expires);
    }

    /** {@code d} answered its connection (a poll): the tunnel detaches and the response ends. */
    void answered(Delivery d, String reason) {
        Connection c = d.connection();
        Format f = c.format();
        delivery = null;
        detachedAtNanos = ctx.nanoTime();
        ctx.listener().detached(this, f);
        c.end(f.footer(id, clientId, c.callback()), reason);
    }

    /** The connection went away (socket closed by the client or the network). */
    void detach(Connection c) {
        Delivery d = delivery;
        if (d != null && d.connection() == c) {
            delivery = null;
            d.cancel();
            detachedAtNanos = ctx.nanoTime();
            ctx.listener().detached(this, c.format());
        }
    }

    /** Ends the connection: a stream gets {@code /meta/close} and the footer; a held poll is answered empty. */
    void endConnection(String reason, boolean reconnect) {
        endConnection(reason, reconnect, false);
    }

    /**
     * As {@link #endConnection(String, boolean)}; with {@code tellPolls}, a held poll is answered with the
     * {@code /meta/close} datagram too (used when the tunnel ends for good, such as expired credentials).
     */
    void endConnection(String reason, boolean reconnect, boolean tellPolls) {
        Delivery d = delivery;
        if (d == null) {
            return;
        }
        Connection c = d.connection();
        delivery = null;
        d.cancel();
        detachedAtNanos = ctx.nanoTime();
        Format f = c.format();
        ctx.listener().detached(this, f);
        d.closing(ControlDatagrams.close(reason, reconnect), tellPolls);
        c.end(f.footer(id, clientId, c.callback()), reason);
    }

    // ---- cluster (shard thread) ----

    /**
     * Datagrams meant for this tunnel may have been lost (the broker's backend was unreachable). An
     * attached connection is told at once with a {@code /meta/open} datagram saying {@code gap:true}
     * (polls: in the next answer); a detached tunnel tells its next attach.
     */
    void reportGap() {
        if (closed) {
            return;
        }
        ctx.listener().gap();
        if (delivery == null) {
            gapOwed = true;
            return;
        }
        long keepalive = ctx.keepaliveMillis(delivery.connection().format());
        delivery.gap(ControlDatagrams.gap(id, clientId, clientPattern.base(), keepalive));
    }

    /**
     * A tunnel taken over from another node: puts {@code missed} (what the client lacks, from the
     * cluster's log) before whatever was routed here since the interests became active, dropping those
     * routed twice, so the next attach replays them all in publish order. {@code complete} false means
     * the log could not vouch for everything: the attach says {@code gap}.
     */
    void restore(List<Datagram> missed, boolean complete) {
        acked.reset(replay.rebuildWith(missed));
        if (!complete) {
            gapOwed = true;
        }
    }

    // ---- history, record refresh and timers (shard thread) ----

    /** A history request is in flight: what is routed here waits until {@link #release}, to stay in publish order. */
    void hold() {
        if (held == null) {
            held = new HeldDeliveries();
        }
        held.hold();
    }

    /** The history answered: delivers {@code history} (what the tunnel lacks), then what was held, no duplicates. */
    void release(List<Datagram> history) {
        List<Datagram> next = held.release(history, replay.ids());
        if (next == null) {
            return; // another history request still waits
        }
        boolean overflow = held.takeOverflow();
        held = null; // nothing is held once the last history request is answered
        for (Datagram d : next) {
            if (!closed) {
                append(d);
            }
        }
        if (overflow) {
            reportGap();
        }
        if (dirty) {
            flush(); // in a task of its own: no other tunnel of the shard is dirty now
        }
    }

    long registeredNanos() {
        return registeredNanos;
    }

    void registered(long nanos) {
        registeredNanos = nanos;
    }

    /** Sends a keepalive when the stream was idle for its format's keepalive interval. */
    void keepalive(long now) {
        if (delivery != null) {
            delivery.keepalive(now);
        }
    }

    /** Whether a connection attached after the first one (a poll, a resume, a takeover). Shard thread. */
    boolean returned() {
        return returned;
    }

    /** Whether the tunnel has been without a connection for at least {@code timeoutNanos}. */
    boolean expired(long now, long timeoutNanos) {
        return delivery == null && now - detachedAtNanos >= timeoutNanos;
    }

    void markClosed() {
        closed = true;
        replay.trimThrough(Long.MAX_VALUE - 1);
        sends = null; // forgets the client's recent sends (its idempotency window)
    }
}
