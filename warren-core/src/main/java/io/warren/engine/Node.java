package io.warren.engine;

import io.warren.ErrorCode;
import io.warren.Limits;
import io.warren.NodeOptions;
import io.warren.api.NodeListener;
import io.warren.api.Publisher;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.Datagram;
import io.warren.datagram.DatagramIds;
import io.warren.format.Formats;
import io.warren.path.PathPattern;
import io.warren.spi.Authenticator;
import io.warren.spi.Authorizer;
import io.warren.spi.Broker;
import io.warren.spi.Connection;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import io.warren.spi.ShardExecutor;
import io.warren.spi.TunnelRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 * {@link Publishing}, {@link Sweeps} and {@link Records} (the cluster's tunnel registry).
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
    private final Openings openings;
    private final Limits limits;
    private final NodeListener listener;
    private final DatagramIds ids;
    private final LongSupplier clock;
    final TunnelContext tunnelContext; // what a tunnel may know of its node
    private final Shard[] shards;
    private final IdentityHashMap<ShardExecutor, Shard> shardByExecutor = new IdentityHashMap<>();
    /** Keyed by {@link TunnelIds#lookupKey} of the tunnel id, so no lookup compares secret ids in variable time. */
    private final ConcurrentHashMap<String, Tunnel> tunnels = new ConcurrentHashMap<>();

    private final Admission admission;
    private final Interests interests;
    private volatile boolean running;
    private int nextShard;

    private Node(Builder b) {
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
        this.interests = new Interests(b.broker, gate, b.listener, this::options);
        this.records = new Records(b.registry, this::options, this);
        this.sweeps = new Sweeps(this, b.limits, records);
        this.publishing = new Publishing(gate, b.broker, b.ids, b.limits, b.listener);
        this.clientDatagrams = new ClientDatagrams(this, gate, interests, records, publishing, b.broker, b.limits);
        this.openings = new Openings(this, b.authenticator, gate, admission, interests, records, sweeps, b.broker);
        this.shards = new Shard[b.executors.size()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard(i, b.executors.get(i), options.shardInboxLimit());
            shardByExecutor.put(b.executors.get(i), shards[i]);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the broker and the per-shard sweeps (keepalives, poll and cull timers). */
    public CompletionStage<Void> start() {
        running = true;
        for (Shard s : shards) {
            sweeps.schedule(s);
        }
        return records.start()
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
     * Applies new engine settings while running (configuration reload). Timers (keepalive, poll
     * timeout, tunnel timeout) apply from the next sweep or poll; replay bounds apply to tunnels opened
     * from now on. Any thread.
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
     * Opens a tunnel for an identity the caller has already established (an operator page guarded by its
     * own key, an embedding application), without running the authenticator or the authorizer. {@code subscribe} is
     * trusted (granted by {@link AccessGate#trusted}): it may name paths clients cannot subscribe to, such as exact
     * {@code /meta/...} paths.
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

    /**
     * The tunnel with this id, or null. The id is a bearer secret: it is looked up by its SHA-256 digest and
     * then compared in constant time, so response timing tells nothing about how much of a guess matched.
     */
    public Tunnel tunnel(String id) {
        if (id == null) {
            return null;
        }
        Tunnel t = tunnels.get(TunnelIds.lookupKey(id));
        if (t == null
                || t.isClosed()
                || !MessageDigest.isEqual(
                        t.id().getBytes(StandardCharsets.UTF_8), id.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return t;
    }

    /** Registers {@code t} under its id; false (and nothing changes) when that id is registered already. */
    boolean add(Tunnel t) {
        return tunnels.putIfAbsent(TunnelIds.lookupKey(t.id()), t) == null;
    }

    /** The tunnel registered here under {@code tunnelId}, closed or not, without the constant-time check. */
    Tunnel local(String tunnelId) {
        return tunnels.get(TunnelIds.lookupKey(tunnelId));
    }

    public int tunnelCount() {
        return tunnels.size();
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
     * Parses and checks a pattern a client wants: {@code bad-path} when malformed; {@code forbidden} under
     * {@code /meta/}, and under {@code /client/} for anything but the client's own exact path (which it
     * always has).
     */
    public static PathPattern clientPattern(String text, boolean subpaths) {
        return ClientDatagrams.clientPattern(text, subpaths);
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

    @Override
    public CompletionStage<Ack> publish(String path, String dataJson) {
        return publishing.inProcess(path, dataJson);
    }

    /** Shard thread: removes the tunnel with its interests from this node, ending its connection. */
    void drop(Tunnel t, String reason) {
        if (t.isClosed()) {
            return;
        }
        t.endConnection(reason, true);
        interests.releaseAll(t);
        t.markClosed();
        t.shard().remove(t);
        tunnels.remove(TunnelIds.lookupKey(t.id()), t);
        admission.release(t.remoteAddress);
        listener.tunnelClosed(t);
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
     * Ends every connection with a {@code /meta/close} datagram ({@code reason}, reconnect hint), stops
     * the timers and the broker. Returns when every shard has done its part.
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
                        s.tunnels.get(i).endConnection(reason, true);
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
    }

    /** Assembles a node. */
    public static final class Builder {
        private NodeOptions options = NodeOptions.defaults();
        private Formats formats = Formats.builtIn();
        private Broker broker;
        private TunnelRegistry registry = TunnelRegistry.local();
        private Authenticator authenticator = Authenticator.allowAll();
        private Authorizer authorizer;
        private Limits limits = Limits.defaults();
        private NodeListener listener = NodeListener.NONE;
        private DatagramIds ids = new DatagramIds();
        private LongSupplier clock = System::nanoTime;
        private List<? extends ShardExecutor> executors;

        public Builder options(NodeOptions v) {
            this.options = v;
            return this;
        }

        public Builder formats(Formats v) {
            this.formats = v;
            return this;
        }

        public Builder broker(Broker v) {
            this.broker = v;
            return this;
        }
        /** Where tunnels are registered cluster-wide; {@link TunnelRegistry#local()} on a single node. */
        public Builder registry(TunnelRegistry v) {
            this.registry = v;
            return this;
        }

        public Builder authenticator(Authenticator v) {
            this.authenticator = v;
            return this;
        }
        /** Decides opens, subscribes and publishes. Required: {@link Authorizer#allowAll()} must be said. */
        public Builder authorizer(Authorizer v) {
            this.authorizer = v;
            return this;
        }

        public Builder limits(Limits v) {
            this.limits = v;
            return this;
        }

        public Builder listener(NodeListener v) {
            this.listener = v;
            return this;
        }

        public Builder ids(DatagramIds v) {
            this.ids = v;
            return this;
        }
        /** A nanosecond clock; tests pass a manual one to drive culling and keepalives. */
        public Builder clock(LongSupplier v) {
            this.clock = v;
            return this;
        }

        public Builder executors(List<? extends ShardExecutor> v) {
            this.executors = v;
            return this;
        }

        public Node build() {
            if (broker == null) {
                broker = new io.warren.broker.MemoryBroker();
            }
            if (authorizer == null) {
                throw new IllegalStateException(
                        "a node needs an authorizer: choose one explicitly (Authorizer.allowAll() for an open server)");
            }
            if (executors == null || executors.isEmpty()) {
                throw new IllegalStateException("a node needs at least one shard executor");
            }
            return new Node(this);
        }
    }
}
