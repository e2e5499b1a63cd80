package io.warren.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.EventExecutor;
import io.warren.auth.Authenticator;
import io.warren.auth.Authorizer;
import io.warren.auth.Permissions;
import io.warren.broker.Broker;
import io.warren.broker.MemoryBroker;
import io.warren.broker.TunnelRegistry;
import io.warren.redis.RedisCluster;
import io.warren.engine.Node;
import io.warren.engine.NodeListener;
import io.warren.engine.Shard;
import io.warren.server.auth.CallbackAuthenticator;
import io.warren.server.auth.JwtAuthenticator;
import io.warren.server.http.BoundedAggregator;
import io.warren.server.http.OriginHandler;
import io.warren.server.http.RequestTimeoutHandler;
import io.warren.server.http.WarrenHttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Warren node on Netty: one event loop per core, each owning a shard of tunnels. Build, {@link #start()},
 * {@link #close()}.
 *
 * <pre>{@code
 * WarrenServer server = WarrenServer.builder(ServerOptions.defaults().withPort(0)).build().start();
 * int port = server.port();
 * }</pre>
 */
public final class WarrenServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WarrenServer.class);

    private final ServerOptions options;
    private final EventLoopGroup group;
    private final Node node;
    private final Map<EventLoop, Shard> shards = new IdentityHashMap<>();
    private final boolean epoll;
    private Channel serverChannel;

    private WarrenServer(Builder b) {
        this.options = b.options;
        // Security first: a bad key or secret fails here, before any thread is started.
        SecurityOptions security = options.security();
        Authenticator authenticator = b.authenticator != null ? b.authenticator : authenticator(security);
        Authorizer authorizer = b.authorizer != null ? b.authorizer : authorizer(security);
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        this.group = new MultiThreadIoEventLoopGroup(threads, io);
        List<EventLoopShardExecutor> executors = new ArrayList<>();
        for (EventExecutor e : group) {
            executors.add(new EventLoopShardExecutor((EventLoop) e));
        }
        Broker broker = b.broker;
        TunnelRegistry registry = b.registry;
        if (broker == null && options.cluster() != null) {
            // Cluster member: fails here, at start, when Redis cannot be reached.
            ClusterOptions c = options.cluster();
            RedisCluster redis = RedisCluster.connect(c.redis(),
                    RedisCluster.Options.defaults().withLogSize(c.logSize()).withLogAge(c.logAge())
                            .withHistory(options.history()));
            broker = redis.broker();
            registry = registry != null ? registry : redis.registry();
        }
        this.node = Node.builder()
                .options(options.node())
                .formats(options.formats())
                .broker(broker != null ? broker : new MemoryBroker(options.history()))
                .registry(registry != null ? registry : TunnelRegistry.local())
                .authenticator(authenticator)
                .authorizer(authorizer)
                .limits(security.limits())
                .listener(b.listener)
                .executors(executors)
                .build();
        for (EventLoopShardExecutor e : executors) {
            shards.put(e.loop(), node.shardFor(e));
        }
    }

    /** JWT when configured, else the HTTP callback, else everyone in as anonymous. */
    static Authenticator authenticator(SecurityOptions s) {
        if (s.jwt() == null && s.callback() == null) {
            return Authenticator.allowAll();
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        return s.jwt() != null ? new JwtAuthenticator(s.jwt(), http) : new CallbackAuthenticator(s.callback(), http);
    }

    /** Per-path rules once any authentication or anonymous rule is configured (deny by default), else allow all. */
    static Authorizer authorizer(SecurityOptions s) {
        if (!s.rulesConfigured()) {
            return Authorizer.allowAll();
        }
        return Authorizer.byPermissions(Permissions.parse(s.anonymousSubscribe(), s.anonymousPublish()));
    }

    public static Builder builder(ServerOptions options) {
        return new Builder(options);
    }

    /** Starts the engine and binds the port. */
    public WarrenServer start() {
        node.start().toCompletableFuture().join();
        WarrenHttpHandler.Endpoints endpoints = new WarrenHttpHandler.Endpoints(node,
                ch -> shards.get(ch.eventLoop()), options.publishKey());
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        SecurityOptions s = options.security();
                        p.addLast("http", new HttpServerCodec(s.maxInitialLine(), s.maxHeaderSize(), 8192));
                        p.addLast("timeouts", new RequestTimeoutHandler(s.idleTimeout(), s.requestTimeout()));
                        p.addLast("aggregate", new BoundedAggregator(options.maxBody()));
                        if (!s.allowedOrigins().isEmpty()) {
                            p.addLast("origins", new OriginHandler(s.allowedOrigins()));
                        }
                        p.addLast("warren", new WarrenHttpHandler(endpoints));
                    }
                });
        serverChannel = b.bind(new InetSocketAddress(options.host(), options.port())).syncUninterruptibly().channel();
        log.info("Warren listening on {}:{} ({} event loops, {})", options.host(), port(), shards.size(), epoll ? "epoll" : "nio");
        return this;
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public Node node() {
        return node;
    }

    /**
     * Stops accepting, ends every tunnel connection with a {@code /meta/close} datagram (reason
     * {@code shutdown}, reconnect hint), and stops the event loops within a bounded time.
     */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        try {
            node.shutdown("shutdown").toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("tunnels did not all close in time: {}", e.toString());
        }
        node.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Assembles a server; authentication, broker and listener are the extension points. */
    public static final class Builder {
        private final ServerOptions options;
        private Authenticator authenticator;
        private Authorizer authorizer;
        private Broker broker;
        private TunnelRegistry registry;
        private NodeListener listener = NodeListener.NONE;

        private Builder(ServerOptions options) {
            this.options = options;
        }

        /** Replaces the authenticator the security options would configure (JWT, callback, none). */
        public Builder authenticator(Authenticator v) { this.authenticator = v; return this; }
        /** Replaces the authorizer the security options would configure (permissions, or allow all). */
        public Builder authorizer(Authorizer v) { this.authorizer = v; return this; }
        public Builder broker(Broker v) { this.broker = v; return this; }
        /** The cluster-wide tunnel register; by default from {@link ServerOptions#cluster()}, else none. */
        public Builder registry(TunnelRegistry v) { this.registry = v; return this; }
        public Builder listener(NodeListener v) { this.listener = v; return this; }

        public WarrenServer build() {
            return new WarrenServer(this);
        }
    }
}
