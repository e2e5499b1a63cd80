package io.warren.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.warren.api.NodeListener;
import io.warren.broker.MemoryBroker;
import io.warren.engine.Node;
import io.warren.engine.Shard;
import io.warren.server.auth.AuthFactory;
import io.warren.server.config.ClusterOptions;
import io.warren.server.config.SecurityOptions;
import io.warren.server.config.ServerOptions;
import io.warren.spi.Authenticator;
import io.warren.spi.Authorizer;
import io.warren.spi.Broker;
import io.warren.spi.BrokerProvider;
import io.warren.spi.ClientDirectory;
import io.warren.spi.TunnelRegistry;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The engine a server runs and the threads it runs on: security, broker, registry and client directory resolved from the
 * options (a cluster backend found through {@link BrokerProvider}) unless the embedding supplied its own,
 * one event loop per thread, each loop the executor of one shard. It owns the answer to "which shard
 * serves this channel".
 */
final class ServerEngine {
    private final EventLoopGroup group;
    private final Node node;
    private final IdentityHashMap<EventLoop, Shard> shards = new IdentityHashMap<>();

    /** Each of authenticator, authorizer, broker and registry: null means "as the options say". */
    ServerEngine(
            ServerOptions options,
            Transport transport,
            Authenticator authenticator,
            Authorizer authorizer,
            Broker broker,
            TunnelRegistry registry,
            NodeListener listener) {
        // Security first: a bad key or secret fails here, before any thread is started.
        SecurityOptions security = options.security();
        Authenticator authn = authenticator != null ? authenticator : AuthFactory.authenticator(security);
        Authorizer authz = authorizer != null ? authorizer : AuthFactory.authorizer(security);
        ClientDirectory directory = null; // the node's memory directory unless the backend shares one
        if (broker == null && options.cluster() != null) {
            // Cluster member: fails here, before any event loop is started, when the backend is unknown or down.
            ClusterOptions c = options.cluster();
            BrokerProvider.Backend backend = BrokerProvider.find(c.redis(), WarrenServer.class.getClassLoader())
                    .connect(new BrokerProvider.Options(c.redis(), c.logSize(), c.logAge(), options.history()));
            broker = backend.broker();
            registry = registry != null ? registry : backend.registry();
            directory = backend.directory();
        }
        int threads =
                options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        this.group = new MultiThreadIoEventLoopGroup(threads, transport.ioHandlers());
        List<EventLoopShardExecutor> executors = new ArrayList<>();
        for (EventExecutor e : group) {
            executors.add(new EventLoopShardExecutor((EventLoop) e));
        }
        this.node = Node.builder()
                .options(options.node())
                .formats(options.formats())
                .broker(broker != null ? broker : new MemoryBroker(options.history()))
                .registry(registry != null ? registry : TunnelRegistry.local())
                .directory(directory)
                .authenticator(authn)
                .authorizer(authz)
                .limits(security.limits())
                .listener(listener)
                .executors(executors)
                .build();
        for (EventLoopShardExecutor e : executors) {
            shards.put(e.loop(), node.shardFor(e));
        }
    }

    Node node() {
        return node;
    }

    EventLoopGroup group() {
        return group;
    }

    /** How many event loops, hence shards, this server runs. */
    int loops() {
        return shards.size();
    }

    /**
     * A channel on one of our loops joins that loop's shard; a mounted channel on an application's loop is
     * given a shard round-robin (the engine then writes to it across threads, which Netty orders).
     */
    Shard shardFor(Channel ch) {
        Shard s = shards.get(ch.eventLoop());
        return s != null ? s : node.shardFor(ch.eventLoop());
    }
}
