package io.warren.engine;

import io.warren.ErrorCode;
import io.warren.Limits;
import io.warren.NodeOptions;
import io.warren.api.Backend;
import io.warren.api.NodeListener;
import io.warren.api.Publisher;
import io.warren.api.TunnelEvent;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.Datagram;
import io.warren.datagram.DatagramIds;
import io.warren.format.Formats;
import io.warren.path.PathPattern;
import io.warren.spi.Broker;
import io.warren.spi.Connection;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import io.warren.spi.ShardExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.jspecify.annotations.NullUnmarked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of one Warren node: tunnels spread over shards, local routing, interest bookkeeping with the
 * {@link Broker}, client events, backend publishing, keepalives and culling. It has no network code:
 * the server hands it {@link Connection}s and parsed requests.
 *
 * <p>The node keeps the lifecycle (start, shutdown), the lookup of tunnels and the assembly of the
 * owners that do the work, one per concern: {@link Openings} (open, attach, takeover, with
 * {@link Admission} and the {@link AccessGate}), {@link Interests}, {@link ClientDatagrams},
 * {@link RemoteEvents} (client datagrams for another node's tunnel), {@link Refreshes} (token refresh),
 * {@link Publishing}, {@link Sweeps}
 * and {@link Records} (the cluster's tunnel registry).
 *
 * <p>Threading: public methods may be called from any thread and return at once; work on a tunnel runs
 * on its shard's thread, and results come back as completion stages.
 */
@NullUnmarked // until the engine split lands; then annotated like the rest of the package
public final class Node implements Publisher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private volatile NodeOptions options;
    private final Formats formats;
    private final Broker broker;
    private final Records records;
    private final Sweeps sweeps;
    private final Publishing publishing;
    private final ClientDatagrams clientDatagrams;
    private final RemoteEvents remoteEvents;
    private final Directory directory = new Directory();
    private final BackendCommands commands;
    private final Openings openings;
    private final Limits limits;
    private final NodeListener listener;
    private final DatagramIds ids;
    private final LongSupplier clock;
    final TunnelContext tunnelContext; // what a tunnel may know of its node
    private final Shard[] shards;
    private final IdentityHashMap<ShardExecutor, Shard> shardByExecutor = new IdentityHashMap<>();
    private final Admission admission;
    private final Interests interests;
    private final Presence presence;
    private final DirectoryQueries queries;
    private volatile boolean running;
    private int nextShard;

    Node(NodeBuilder b) {
        this.options = b.options;
        this.formats = b.formats;
        this.broker = b.broker;
        AccessGate gate = new AccessGate(b.authorizer);
        this.limits = b.limits;
        this.admission = new Admission(b.limits);
        this.listener = b.listener;
        this.ids = b.ids;
        this.clock = b.clock;
        this.tunnelContext = new NodeTunnelContext(this::options, listener, clock);
        this.presence = new Presence(b.directory, this::options, b.ids, this::shards, b.listener);
        this.queries = new DirectoryQueries(presence, directory);
        this.interests = new Interests(b.broker, gate, b.listener, this::options, presence);
        this.records = new Records(b.registry, this::options, this);
        this.sweeps = new Sweeps(this, b.limits, records);
        this.publishing = new Publishing(gate, b.broker, b.ids, b.limits, b.listener);
        Refreshes refreshes = new Refreshes(this, b.authenticator, gate, interests, records);
        this.clientDatagrams =
                new ClientDatagrams(this, gate, interests, records, publishing, b.broker, b.limits, refreshes);
        this.remoteEvents = new RemoteEvents(this, clientDatagrams, b.registry);
        this.commands = new BackendCommands(this, gate, interests, records, b.registry, directory);
        this.openings = new Openings(this, b.authenticator, gate, admission, interests, records, sweeps, b.broker);
        this.shards = new Shard[b.executors.size()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard(i, b.executors.get(i), options.shardInboxLimit(), b.listener, presence);
            shardByExecutor.put(b.executors.get(i), shards[i]);
        }
    }

    public static NodeBuilder builder() {
        return new NodeBuilder();
    }

    /** Starts the broker and the per-shard sweeps (keepalives, poll and cull timers). */
    public CompletionStage<Void> start() {
        running = true;
        for (Shard s : shards) {
            sweeps.schedule(s);
        }
        return presence.directory()
                .start(presence)
                .thenCompose(v -> records.start((id, request) -> BackendCommands.isCommand(request)
                        ? commands.serve(id, request)
                        : remoteEvents.serve(id, request)))
                .thenCompose(v -> broker.start(new Broker.Listener() {
                    @Override
                    public void onDatagram(Datagram d) {
                        route(d);
                    }

                    @Override
                    public void onGap() {
                        brokerGap();
                    }
                }));
    }

    public NodeOptions options() {
        return options;
    }

    /**
     * Applies new engine settings while running (configuration reload). Timers apply from the next sweep or
     * poll; replay bounds to tunnels opened from now on; presence paths to subscribes from now on. Any thread.
     */
    public void reconfigure(NodeOptions v) {
        this.options = java.util.Objects.requireNonNull(v);
    }

    /** Whether the broker answers; completes exceptionally when it does not. For readiness checks. */
    public CompletionStage<Void> pingBroker() {
        try {
            return broker.ping();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Opens a tunnel for an identity the caller has already established (an operator page, an embedding),
     * without the authenticator or the authorizer. {@code subscribe} is trusted ({@link AccessGate#trusted}):
     * it may name paths clients cannot subscribe to, such as exact {@code /meta/...} paths.
     */
    public CompletionStage<Tunnel> openTrusted(
            Identity identity, Shard shard, List<PathPattern> subscribe, Connection connection) {
        return openings.openTrusted(identity, shard, subscribe, connection);
    }

    public Formats formats() {
        return formats;
    }

    public Limits limits() {
        return limits;
    }

    public DatagramIds ids() {
        return ids;
    }

    NodeListener listener() {
        return listener;
    }

    Presence presence() {
        return presence;
    }

    private Shard[] shards() { // for Presence, built before the shards
        return shards;
    }

    boolean running() {
        return running;
    }

    long nanoTime() {
        return clock.getAsLong();
    }

    /** The shard owned by {@code executor}, or one picked round-robin when it owns none. */
    public Shard shardFor(Object executor) {
        Shard s = shardByExecutor.get(executor);
        if (s == null) {
            synchronized (this) {
                s = shards[nextShard++ % shards.length];
            }
        }
        return s;
    }

    /** The open tunnel with this id, or null (found in constant time: the id is a bearer secret). */
    public Tunnel tunnel(String id) {
        return directory.open(id);
    }

    /** Registers {@code t} under its id; false (and nothing changes) when that id is registered already. */
    boolean add(Tunnel t) {
        boolean added = directory.add(t);
        if (added) {
            presence.opened(t);
        }
        return added;
    }

    /** The backend's queries ({@code /api/...}), cluster-wide. */
    public io.warren.api.Queries queries() {
        return queries;
    }

    /** The tunnel registered here under {@code tunnelId}, closed or not, without the constant-time check. */
    Tunnel local(String tunnelId) {
        return directory.registered(tunnelId);
    }

    public int tunnelCount() {
        return directory.size();
    }

    /** Distinct patterns this node holds interest in (client paths included). */
    public int interestCount() {
        return interests.count();
    }

    /**
     * Authenticates {@code request}, creates a tunnel on {@code shard}, registers {@code subscribe} and
     * attaches {@code connection}. Fails with {@code unauthorized} when authentication refuses.
     */
    public CompletionStage<Tunnel> open(
            OpenRequest request, Shard shard, List<PathPattern> subscribe, Connection connection) {
        return openings.open(request, shard, subscribe, connection, null);
    }

    /**
     * Re-attaches {@code connection} to tunnel {@code tunnelId}, replaying what came after {@code last};
     * when that tunnel is unknown or culled, authenticates again and opens a replacement.
     */
    public CompletionStage<Tunnel> attach(
            OpenRequest request,
            Shard shard,
            String tunnelId,
            String last,
            List<PathPattern> subscribe,
            Connection connection) {
        return openings.attach(request, shard, tunnelId, last, subscribe, connection);
    }

    /** The connection of {@code tunnel} has gone (socket closed). Any thread. */
    public void detach(Tunnel tunnel, Connection connection) {
        tunnel.shard().executor().execute(() -> tunnel.detach(connection));
    }

    /** The socket of {@code tunnel}'s connection can take bytes again. Any thread. */
    public void writable(Tunnel tunnel) {
        tunnel.shard().executor().execute(tunnel::writable);
    }

    /**
     * Called by the broker: routes a datagram to every local tunnel interested in it. When a full shard
     * inbox refuses it (that shard tells its tunnels of a gap), this throws {@code overloaded}, which a
     * broker delivering on the publishing thread turns into the publisher's answer.
     */
    private void route(Datagram d) {
        boolean refused = false;
        for (Shard s : shards) {
            refused |= !s.offer(d);
        }
        if (refused) {
            throw ErrorCode.OVERLOADED.exception(
                    "the server is overloaded: the datagram did not reach every subscriber (they are told of a gap)");
        }
    }

    /**
     * Handles datagrams a client sent through its tunnel ({@code POST /events}, WebSocket): control
     * datagrams under {@code /meta/} change interests, anything else is published with {@code from} set to
     * the client id. One ack per datagram, in order.
     */
    public CompletionStage<List<Ack>> clientDatagrams(Tunnel t, List<ClientDatagram> datagrams) {
        return clientDatagrams.handle(t, datagrams);
    }

    /**
     * As {@link #clientDatagrams(Tunnel, List)} for the tunnel {@code tunnelId}, held here or, in a cluster,
     * by another node, to which they are forwarded ({@link RemoteEvents}). Fails with {@code unknown-tunnel}
     * when no node holds it, {@code overloaded} when its node does not answer in time.
     */
    public CompletionStage<List<Ack>> clientDatagrams(String tunnelId, List<ClientDatagram> datagrams) {
        Tunnel t = tunnel(tunnelId);
        return t != null ? clientDatagrams.handle(t, datagrams) : remoteEvents.forward(tunnelId, datagrams);
    }

    /** Validates patterns a client names when opening a tunnel, before anything is created. */
    public static List<PathPattern> openPatterns(List<String> texts) {
        return ClientDatagrams.openPatterns(texts, Limits.defaults());
    }

    /** Validates patterns a client names when opening a tunnel against {@code limits}. */
    public static List<PathPattern> openPatterns(List<String> texts, Limits limits) {
        return ClientDatagrams.openPatterns(texts, limits);
    }

    /** Publishes datagrams from the backend ({@code POST /publish}): no tunnel, no {@code from}. */
    public CompletionStage<List<Ack>> publish(List<ClientDatagram> datagrams) {
        return publishing.backend(datagrams);
    }

    /** The backend's commands on tunnels: add or remove interests, end tunnels ({@link Backend}). */
    public Backend backend() {
        return commands;
    }

    @Override
    public CompletionStage<Ack> publish(String path, String dataJson) {
        return publishing.inProcess(path, dataJson);
    }

    /**
     * Shard thread: removes the tunnel with its interests from this node, ending its connection, and
     * announces its end ({@link TunnelEvent}) unless it lives on elsewhere ({@code superseded}) or never
     * opened ({@code failed}).
     */
    void drop(Tunnel t, String reason) {
        if (t.isClosed()) {
            return;
        }
        t.endConnection(reason, true);
        interests.releaseAll(t);
        presence.closed(t, reason.equals("superseded"));
        t.markClosed();
        t.shard().remove(t);
        directory.remove(t);
        admission.release(t.remoteAddress);
        listener.tunnelClosed(t);
        if (!reason.equals("superseded") && !reason.equals("failed")) {
            listener.tunnelEvent(TunnelEvent.ended(t, reason));
        }
    }

    /**
     * The broker delivers again after losing datagrams: every tunnel is told of the gap, and the records
     * are written again in case the backend lost them too.
     */
    private void brokerGap() {
        log.warn("the broker may have lost datagrams; tunnels are told of a gap");
        for (Shard s : shards) {
            records.brokerGap(s);
        }
    }

    /**
     * Ends every connection with a {@code /meta/close} datagram ({@code reason}, reconnect hint), held polls
     * included (an empty answer would tell a polling client nothing, and it would poll the closing node
     * again at once), stops the timers and the broker. Returns when every shard has done its part.
     */
    public CompletionStage<Void> shutdown(String reason) {
        running = false;
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Shard s : shards) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            try {
                s.executor().execute(() -> {
                    for (int i = s.tunnels.size() - 1; i >= 0; i--) {
                        s.tunnels.get(i).endConnection(reason, true, true);
                    }
                    f.complete(null);
                });
            } catch (RuntimeException e) {
                f.complete(null);
            }
        }
        return CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public void close() {
        running = false;
        broker.close();
        records.close();
        presence.directory().close();
    }
}
