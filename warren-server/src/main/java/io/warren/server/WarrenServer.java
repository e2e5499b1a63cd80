package io.warren.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.warren.api.NodeListener;
import io.warren.api.Publisher;
import io.warren.datagram.Ack;
import io.warren.engine.Node;
import io.warren.server.config.OperationsOptions;
import io.warren.server.config.ServerOptions;
import io.warren.server.h2.TlsContext;
import io.warren.server.hooks.Hooks;
import io.warren.server.http.OriginPolicy;
import io.warren.server.http.PublishGuard;
import io.warren.server.http.WarrenHttpHandler;
import io.warren.server.ops.AdminStats;
import io.warren.server.ops.Operations;
import io.warren.server.ops.WarrenMetrics;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Warren node on Netty: one event loop per core, each owning a shard of tunnels. Build, {@link #start()},
 * {@link #close()}.
 *
 * <pre>{@code
 * WarrenServer server = WarrenServer.builder(ServerOptions.defaults().withPort(0)).build().start();
 * int port = server.port();
 * }</pre>
 */
public final class WarrenServer implements Publisher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WarrenServer.class);

    private volatile ServerOptions options;
    private final ServerEngine engine;
    private final EventLoopGroup group;
    private final Node node;
    private final WarrenMetrics metrics = new WarrenMetrics();
    private final Operations operations;
    private final AdminStats adminStats;
    private final Hooks hooks;
    private WarrenHttpHandler.Endpoints endpoints;
    private WarrenChannels channels;
    private final boolean listen;
    private final Transport transport = Transport.best();
    private final TlsContext tls;
    private Channel serverChannel;

    WarrenServer(WarrenServerBuilder b) {
        this.options = b.options;
        // A bad certificate fails here, before any thread is started.
        this.tls = options.tls() != null ? TlsContext.load(options.tls()) : null;
        this.listen = b.listen;
        this.hooks = new Hooks(b.hooks, metrics.registry());
        this.engine = new ServerEngine(
                options,
                transport,
                b.authenticator,
                b.authorizer,
                b.broker,
                b.registry,
                NodeListener.all(List.of(metrics, hooks.listener(), b.listener)));
        this.group = engine.group();
        this.node = engine.node();
        this.operations = new Operations(node, metrics, b.operations);
        this.adminStats = new AdminStats(node, metrics, node.ids().tag());
    }

    public static WarrenServerBuilder builder(ServerOptions options) {
        return new WarrenServerBuilder(options);
    }

    /** A builder with the default options (port 8080, every interface, in memory, no authentication). */
    public static WarrenServerBuilder builder() {
        return new WarrenServerBuilder(ServerOptions.defaults());
    }

    /** Starts the engine and binds the port. */
    public WarrenServer start() {
        node.start().toCompletableFuture().join();
        hooks.start(node.ids().tag());
        metrics.bind(node);
        endpoints = new WarrenHttpHandler.Endpoints(
                node,
                engine::shardFor,
                options.publishKey(),
                operations,
                OriginPolicy.of(options.security().allowedOrigins()));
        channels = new WarrenChannels(options.security(), options.maxBody(), operations, metrics, endpoints, tls);
        applyAdmin(operations.options());
        if (!listen) {
            log.info(
                    "Warren started without a port of its own ({} event loops): mount channels with mount()",
                    engine.loops());
            return this;
        }
        serverChannel = channels.bind(group, transport, new InetSocketAddress(options.host(), options.port()));
        PublishGuard.warnIfOpen(options.host(), options.publishKey());
        log.info(
                "Warren listening on {}:{} ({} event loops, {}, {})",
                options.host(),
                port(),
                engine.loops(),
                transport,
                tls != null ? "https: h2, http/1.1" : "http/1.1, h2c");
        return this;
    }

    /**
     * Mounts Warren on a connection the application accepted itself, for instance in its own Netty
     * {@code ServerBootstrap} ({@code childHandler(ch -> warren.mount(ch))}) or after port unification
     * decided a connection speaks HTTP to Warren. Appends Warren's HTTP handlers to the channel's pipeline:
     * from then on the connection serves every Warren endpoint. The channel may belong to the
     * application's event loops. Call after {@link #start()}; typically with {@link Builder#listen(boolean)
     * listen(false)}.
     */
    public void mount(Channel channel) {
        if (channels == null) {
            throw new IllegalStateException("start() the server before mounting channels");
        }
        channels.mount(channel);
    }

    /** The bound port. */
    public int port() {
        if (serverChannel == null) {
            throw new IllegalStateException("this server has no port of its own (listen(false))");
        }
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public Node node() {
        return node;
    }

    /**
     * Who holds what, as {@code GET /api/presence}, {@code /api/paths}, {@code /api/clients/C} and
     * {@code /api/users} answer.
     */
    public io.warren.api.Queries queries() {
        return node.queries();
    }

    /** As {@code POST /publish} would. */
    @Override
    public CompletionStage<Ack> publish(String path, String dataJson) {
        return node.publish(path, dataJson);
    }

    /** As {@code POST /api/subscribe}, {@code /api/unsubscribe} and {@code /api/disconnect} would. */
    public io.warren.api.Backend backend() {
        return node.backend();
    }

    /** The meters behind {@code /metrics}; add your own to {@code metrics().registry()}. */
    public WarrenMetrics metrics() {
        return metrics;
    }

    public Operations operations() {
        return operations;
    }

    public ServerOptions options() {
        return options;
    }

    /**
     * Applies a new configuration to the running server, as far as it can change live: the engine's
     * timers and replay bounds (for tunnels opened from now on), the publish key, every operations
     * option (admin key, metrics, access log for new connections) and the TLS certificate (re-read for
     * new connections; open ones keep theirs). What needs a restart (host, port, threads, max-body,
     * formats, turning TLS on or off) is kept and reported. Returns a line per change.
     */
    public synchronized List<String> reconfigure(ServerOptions next, OperationsOptions nextOps) {
        Reload reload = Reload.between(options, operations.options(), next, nextOps);
        if (reload.tls()) {
            // First: a certificate that does not load refuses the whole reload.
            tls.reload(next.tls());
        }
        if (reload.engine()) {
            node.reconfigure(next.node());
        }
        if (reload.publishKey()) {
            endpoints.publishKey(next.publishKey());
        }
        if (reload.operations()) {
            operations.options(nextOps);
            applyAdmin(nextOps);
        }
        if (!reload.restart().isEmpty()) {
            log.warn("configuration reload: {} need a restart to change", reload.restart());
        }
        options = Reload.running(options, next);
        List<String> applied = reload.applied();
        log.info("configuration reloaded: {}", applied.isEmpty() ? "nothing changed" : applied);
        return applied;
    }

    private void applyAdmin(OperationsOptions ops) {
        if (ops.adminKey() != null) {
            adminStats.start(group.next(), ops.statsInterval().toMillis());
        } else {
            adminStats.stop();
        }
    }

    /**
     * Stops accepting, ends every tunnel connection with a {@code /meta/close} datagram (reason
     * {@code shutdown}, reconnect hint), and stops the event loops within a bounded time.
     */
    @Override
    public void close() {
        long deadline =
                System.nanoTime() + operations.options().shutdownTimeout().toNanos();
        operations.startDraining();
        adminStats.stop();
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        try {
            // Queued fan-out runs before each shard's shutdown task (one queue per event loop), so events
            // already accepted reach their tunnels ahead of the close datagram.
            node.shutdown("shutdown").toCompletableFuture().get(remainingMillis(deadline, 500), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("tunnels did not all close in time: {}", e.toString());
        }
        // Close datagrams for sockets on another loop are queued there: written before the loops stop.
        if (!LoopBarrier.await(group, deadline)) {
            log.warn("close datagrams not all written within the shutdown timeout");
        }
        node.close();
        hooks.close(remainingMillis(deadline, 100));
        long quiet = Math.min(200, remainingMillis(deadline, 0));
        group.shutdownGracefully(quiet, Math.max(quiet, remainingMillis(deadline, 100)), TimeUnit.MILLISECONDS)
                .syncUninterruptibly();
    }

    private static long remainingMillis(long deadline, long atLeast) {
        return Math.max(atLeast, (deadline - System.nanoTime()) / 1_000_000);
    }
}
