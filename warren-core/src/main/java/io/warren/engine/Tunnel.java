package io.warren.engine;

import io.warren.auth.Identity;
import io.warren.datagram.Ack;
import io.warren.datagram.ControlDatagrams;
import io.warren.datagram.Datagram;
import io.warren.format.Format;
import io.warren.format.Mode;
import io.warren.path.Path;
import io.warren.path.PathPattern;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

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
 *
 * <p>Slow consumers: a stream connection whose socket stops taking bytes falls behind; when the buffer
 * would have to evict a datagram it has not yet sent, the connection is closed with reason
 * {@code slow} (the client re-attaches and learns of the gap) rather than letting memory grow.
 *
 * <p>Confined to its shard's thread, except for the immutable identity fields.
 */
public final class Tunnel {
    private final TunnelContext ctx;
    private final Shard shard;
    private final String id;
    private final String clientId;
    private final Path clientPath;
    private final PathPattern clientPattern;
    private final Identity identity;
    private final ReplayBuffer replay;

    private final InterestSet interests = new InterestSet();
    private final AckWindow acks = new AckWindow();
    private final TokenBucket events = new TokenBucket();
    private final HeldDeliveries held = new HeldDeliveries();
    private Connection connection;
    private long sentSeq;                 // stream mode: last seq written to the connection
    private long ackedSeq;                // last seq the client confirmed with `last`
    private String ackedId;               // id of that datagram, so a repeated `last` is no gap
    private Datagram pendingOpen;         // poll mode: open datagram owed to the next answer
    private ShardExecutor.Cancellable pollTimer;
    private long lastWriteNanos;
    private long detachedAtNanos;
    private Datagram lastRouted;          // de-duplicates a datagram matched by several patterns
    private boolean dirty;
    private boolean closed;
    private boolean gapOwed;              // datagrams were lost while detached: the next attach says gap
    private long registeredNanos;         // cluster: when the registry record was last refreshed
    private String logMark;               // cluster: where the broker's log stood when the tunnel opened
    int shardSlot = -1;
    /** The client address that opened the tunnel (for the per-address limit); set once at creation. */
    String remoteAddress;

    Tunnel(TunnelContext ctx, Shard shard, String id, String clientId, Identity identity, int replaySize, long replayBytes) {
        this.ctx = ctx;
        this.shard = shard;
        this.id = id;
        this.clientId = clientId;
        this.clientPath = Path.client(clientId);
        this.clientPattern = PathPattern.exact(clientPath);
        this.identity = identity;
        this.replay = new ReplayBuffer(replaySize, replayBytes);
        this.detachedAtNanos = ctx.nanoTime();
    }

    /** The secret tunnel id; a bearer credential, never shown to others nor logged. */
    public String id() {
        return id;
    }

    /** The public client id. */
    public String clientId() {
        return clientId;
    }

    public Path clientPath() {
        return clientPath;
    }

    public Identity identity() {
        return identity;
    }

    public Shard shard() {
        return shard;
    }

    PathPattern clientPattern() {
        return clientPattern;
    }

    /** The tunnel id shortened for logs: enough to correlate, too little to use. */
    public String redactedId() {
        return id.substring(0, 4) + "…";
    }

    boolean isClosed() {
        return closed;
    }

    boolean isAttached() {
        return connection != null;
    }

    // ---- interests (shard thread) ----

    boolean hasInterest(PathPattern p) {
        return interests.contains(p);
    }

    int interestCount() {
        return interests.size();
    }

    /** Records the granted pattern as an interest ({@link AccessGate}: no interest without a grant). */
    void addInterest(AccessGate.SubscribeGrant grant) {
        interests.add(grant.patternFor(this));
    }

    boolean removeInterest(PathPattern p) {
        return interests.remove(p);
    }

    /** A snapshot of the interests, in the order they were added. */
    Set<PathPattern> interests() {
        return interests.snapshot();
    }

    // ---- rate limit and idempotency window (shard thread) ----

    /** Takes one token from the events bucket ({@code rate} per second, {@code burst} at most); false when empty. */
    boolean takeToken(long now, int rate, int burst) {
        return events.take(now, rate, burst);
    }

    CompletionStage<Ack> rememberedAck(String ref) {
        return acks.remembered(ref);
    }

    void rememberAck(String ref, CompletionStage<Ack> ack, int window) {
        acks.remember(ref, ack, window);
    }

    void forgetAck(String ref, CompletionStage<Ack> ack) {
        acks.forget(ref, ack);
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
        if (held.holding()) {
            held.add(d, ctx.heldLimit());
            return false;
        }
        return append(d);
    }

    /** True when the tunnel just became dirty. */
    private boolean append(Datagram d) {
        Connection c = connection;
        if (c != null && c.format().mode() == Mode.STREAM && replay.wouldEvict(d) && replay.firstSeq() > sentSeq) {
            // The oldest buffered datagram has not been written yet: write now if the socket takes it,
            // otherwise the consumer is too slow to keep.
            if (c.isWritable()) {
                writePending(c);
            } else {
                ctx.listener().slowConsumer();
                endConnection("slow", true);
            }
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
        Connection c = connection;
        if (c == null) {
            return;
        }
        if (c.format().mode() == Mode.STREAM) {
            if (writePending(c)) {
                c.flush();
            }
        } else if (replay.nextSeq() - 1 > ackedSeq || pendingOpen != null) {
            answerPoll(c);
        }
    }

    /** Stream mode: writes unsent datagrams while the socket takes them; true when anything was written. */
    private boolean writePending(Connection c) {
        long last = replay.nextSeq() - 1;
        if (sentSeq >= last) {
            return false;
        }
        Format f = c.format();
        boolean wrote = false;
        while (sentSeq < last && c.isWritable()) {
            sentSeq++;
            c.write(f.envelope(replay.get(sentSeq)));
            ctx.listener().delivered(replay.get(sentSeq));
            wrote = true;
        }
        if (wrote) {
            lastWriteNanos = ctx.nanoTime();
        }
        return wrote;
    }

    /** The socket can take bytes again. */
    void writable() {
        Connection c = connection;
        if (c != null && c.format().mode() == Mode.STREAM && writePending(c)) {
            c.flush();
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
        if (connection != null) {
            endConnection("superseded", true);
        }
        cancelPollTimer();
        connection = c;
        detachedAtNanos = 0;
        ctx.listener().attached(this, c.format());

        boolean gap = gapOwed;
        gapOwed = false;
        long cursor;
        if (last != null) {
            long s = replay.seqOf(last);
            if (s >= 0) {
                acknowledge(s, last);
                cursor = s;
            } else if (last.equals(ackedId)) {
                cursor = ackedSeq;
            } else {
                gap = true;
                cursor = replay.firstSeq() - 1;
            }
        } else {
            cursor = ackedSeq;
        }
        if (replay.firstSeq() - 1 > cursor) {
            gap = true;
            cursor = replay.firstSeq() - 1;
        }
        if (gap) {
            ctx.listener().gap();
        } else if (!fresh && c.format().mode() == Mode.STREAM) {
            // Every poll re-attaches; only a stream coming back is a resume worth counting.
            ctx.listener().replayHit();
        }

        Format f = c.format();
        c.open(f.header(id, clientId, c.callback()));
        Datagram open = openDatagram(!fresh, gap, replaced, refusedJson);
        if (f.mode() == Mode.STREAM) {
            c.write(f.envelope(open));
            sentSeq = cursor;
            writePending(c);
            lastWriteNanos = ctx.nanoTime();
            c.flush();
        } else {
            // Polls: the open datagram comes with the first answer of a tunnel, and after a replacement or
            // a gap; an ordinary poll is not a resume.
            if (fresh || gap || replaced != null) {
                pendingOpen = open;
            }
            ackedSeq = Math.max(ackedSeq, cursor);
            if (replay.nextSeq() - 1 > ackedSeq || pendingOpen != null) {
                answerPoll(c);
            } else {
                pollTimer = shard.executor().schedule(() -> {
                    pollTimer = null;
                    if (connection == c) {
                        answerPoll(c);
                    }
                }, ctx.pollTimeoutNanos(), TimeUnit.NANOSECONDS);
            }
        }
        if (connection == c && !c.isActive()) {
            detach(c);
        }
        return true;
    }

    private void acknowledge(long seq, String datagramId) {
        if (seq > ackedSeq) {
            ackedSeq = seq;
            ackedId = datagramId;
        }
        replay.trimThrough(seq);
    }

    private Datagram openDatagram(boolean resumed, boolean gap, String replaced, String refusedJson) {
        return ControlDatagrams.open(id, clientId, clientPath.toString(), ctx.keepaliveMillis(),
                resumed, gap, replaced, refusedJson);
    }

    /** Poll mode: answers with the owed open datagram and everything unacknowledged, then detaches. */
    private void answerPoll(Connection c) {
        cancelPollTimer();
        Format f = c.format();
        boolean first = true;
        if (pendingOpen != null) {
            c.write(f.envelope(pendingOpen));
            pendingOpen = null;
            first = false;
        }
        for (long s = Math.max(ackedSeq + 1, replay.firstSeq()); s < replay.nextSeq(); s++) {
            if (!first) {
                c.write(f.separator());
            }
            first = false;
            Datagram d = replay.get(s);
            c.write(f.envelope(d));
            ctx.listener().delivered(d);
        }
        connection = null;
        detachedAtNanos = ctx.nanoTime();
        ctx.listener().detached(this, f);
        c.end(f.footer(id, clientId, c.callback()), "poll");
    }

    /** The connection went away (socket closed by the client or the network). */
    void detach(Connection c) {
        if (connection == c) {
            connection = null;
            cancelPollTimer();
            detachedAtNanos = ctx.nanoTime();
            ctx.listener().detached(this, c.format());
        }
    }

    /**
     * Ends the attached connection: streams get a {@code /meta/close} datagram and the footer; a held
     * poll is answered empty.
     */
    void endConnection(String reason, boolean reconnect) {
        endConnection(reason, reconnect, false);
    }

    /**
     * As {@link #endConnection(String, boolean)}; with {@code tellPolls}, a held poll is answered with the
     * {@code /meta/close} datagram too (used when the tunnel ends for good, such as expired credentials).
     */
    void endConnection(String reason, boolean reconnect, boolean tellPolls) {
        Connection c = connection;
        if (c == null) {
            return;
        }
        connection = null;
        cancelPollTimer();
        detachedAtNanos = ctx.nanoTime();
        Format f = c.format();
        ctx.listener().detached(this, f);
        if (f.mode() == Mode.STREAM || tellPolls) {
            c.write(f.envelope(ControlDatagrams.close(reason, reconnect)));
        }
        c.end(f.footer(id, clientId, c.callback()), reason);
    }

    private void cancelPollTimer() {
        if (pollTimer != null) {
            pollTimer.cancel();
            pollTimer = null;
        }
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
        Connection c = connection;
        if (c == null) {
            gapOwed = true;
            return;
        }
        Datagram open = openDatagram(true, true, null, null);
        if (c.format().mode() == Mode.STREAM) {
            c.write(c.format().envelope(open));
            lastWriteNanos = ctx.nanoTime();
            c.flush();
        } else {
            pendingOpen = open;
            answerPoll(c);
        }
    }

    /**
     * A tunnel taken over from another node: puts {@code missed} (what the client lacks, from the
     * cluster's log) before whatever was routed here since the interests became active, dropping those
     * routed twice, so the next attach replays them all in publish order. {@code complete} false means
     * the log could not vouch for everything: the attach says {@code gap}.
     */
    void restore(List<Datagram> missed, boolean complete) {
        List<Datagram> live = new ArrayList<>(replay.size());
        for (long s = replay.firstSeq(); s < replay.nextSeq(); s++) {
            live.add(replay.get(s));
        }
        replay.trimThrough(replay.nextSeq() - 1);
        long base = replay.firstSeq() - 1;
        Set<String> seen = new HashSet<>();
        for (Datagram d : missed) {
            if (seen.add(d.id())) {
                replay.append(d);
            }
        }
        for (Datagram d : live) {
            if (seen.add(d.id())) {
                replay.append(d);
            }
        }
        ackedSeq = base;
        ackedId = null;
        sentSeq = base;
        if (!complete) {
            gapOwed = true;
        }
    }

    String logMark() {
        return logMark;
    }

    void logMark(String mark) {
        logMark = mark;
    }

    // ---- history (shard thread) ----

    /**
     * A history request for a new interest is in flight: until {@link #release} what is routed here
     * waits, so that the history comes first and everything stays in publish order.
     */
    void hold() {
        held.hold();
    }

    /**
     * The history answered: delivers {@code history} (what this tunnel does not have yet), then what
     * was held meanwhile, without duplicates.
     */
    void release(List<Datagram> history) {
        Set<String> have = new HashSet<>();
        for (long s = replay.firstSeq(); s < replay.nextSeq(); s++) {
            have.add(replay.get(s).id());
        }
        List<Datagram> next = held.release(history, have);
        if (next == null) {
            return; // another history request still waits
        }
        for (Datagram d : next) {
            if (!closed) {
                append(d);
            }
        }
        if (held.takeOverflow()) {
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

    // ---- timers (shard thread) ----

    /** Sends a keepalive when the stream was idle for the keepalive interval. */
    void keepalive(long now, long keepaliveNanos) {
        Connection c = connection;
        if (c != null && c.format().mode() == Mode.STREAM && now - lastWriteNanos >= keepaliveNanos && c.isWritable()) {
            c.write(c.format().keepalive());
            c.flush();
            lastWriteNanos = now;
        }
    }

    /** Whether the tunnel has been without a connection for at least {@code timeoutNanos}. */
    boolean expired(long now, long timeoutNanos) {
        return connection == null && now - detachedAtNanos >= timeoutNanos;
    }

    void markClosed() {
        closed = true;
        replay.trimThrough(Long.MAX_VALUE - 1);
        acks.clear();
    }
}
