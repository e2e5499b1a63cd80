package io.warren.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.warren.spi.Broker;
import io.warren.spi.BrokerProvider;
import io.warren.spi.ClientDirectory;
import io.warren.spi.HistoryRule;
import io.warren.spi.TunnelRegistry;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's membership in a Warren cluster on Redis: a Lettuce client with one connection for commands
 * and one for Pub/Sub, shared by the node's {@link #broker()}, {@link #registry()} and {@link #directory()}.
 * Closing every part taken closes the connections.
 *
 * <pre>{@code
 * RedisCluster cluster = RedisCluster.connect("redis://127.0.0.1:6379", RedisCluster.Options.defaults());
 * Node.builder().broker(cluster.broker()).registry(cluster.registry()).directory(cluster.directory())...
 * }</pre>
 *
 * <p>Keys and channels (prefix {@code warren:} by default): {@code warren:log} the stream of every
 * published datagram (trimmed by count and age); {@code warren:p:PATH} the Pub/Sub channel of a path;
 * {@code warren:t:TUNNEL} a tunnel's record (a hash with expiry); {@code warren:n:NODE} each node's
 * channel for eviction notices and forwarded requests; {@code warren:d:...} the client directory and presence
 * ({@link RedisClientDirectory}), announced on {@code warren:presence}. See docs/cluster.md.
 *
 * <p>While Redis is unreachable, commands fail at once (Lettuce's queue is bounded and rejects while
 * disconnected) rather than piling up; the client reconnects on its own, after which the broker
 * re-subscribes and reports a gap.
 */
public final class RedisCluster implements BrokerProvider.Backend {
    private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);

    /**
     * Settings of a cluster member.
     *
     * @param prefix         prefix of every key and channel
     * @param logSize        datagrams kept in the shared log for resume on another node (approximate)
     * @param logAge         how long datagrams stay in the log at most; zero keeps them until {@code logSize}
     * @param commandTimeout how long a Redis command may take before it fails
     * @param queueSize      commands waiting for Redis at most, per connection
     * @param history        per-path history rules (a stream per path, {@code PREFIXh:PATH})
     */
    public record Options(
            String prefix,
            int logSize,
            Duration logAge,
            Duration commandTimeout,
            int queueSize,
            List<HistoryRule> history) {
        public Options {
            history = List.copyOf(history);
        }

        public static Options defaults() {
            return new Options("warren:", 100_000, Duration.ofMinutes(10), Duration.ofSeconds(5), 65_536, List.of());
        }

        public Options withLogSize(int v) {
            return new Options(prefix, v, logAge, commandTimeout, queueSize, history);
        }

        public Options withLogAge(Duration v) {
            return new Options(prefix, logSize, v, commandTimeout, queueSize, history);
        }

        public Options withPrefix(String v) {
            return new Options(v, logSize, logAge, commandTimeout, queueSize, history);
        }

        public Options withHistory(List<HistoryRule> v) {
            return new Options(prefix, logSize, logAge, commandTimeout, queueSize, v);
        }
    }

    final Options options;
    final String nodeId;
    final String logKey;
    final String pathChannelPrefix;
    final String tunnelKeyPrefix;
    final String nodeChannelPrefix;
    final String historyKeyPrefix;
    final String directoryKeyPrefix;
    final String directoryChannel;
    private final boolean shardedRecords;
    private final AbstractRedisClient client;
    /**
     * Lettuce's threads, with reconnect attempts at most {@link #RECONNECT_DELAY_MAX} apart: its default
     * back-off grows to 30 s, so a node would stay cut off up to 30 s after a long outage ended.
     */
    private final ClientResources resources = ClientResources.builder()
            .reconnectDelay(Delay.exponential(Duration.ZERO, RECONNECT_DELAY_MAX, 2, TimeUnit.MILLISECONDS))
            .build();

    private final RedisClusterAsyncCommands<String, String> async;
    final StatefulRedisPubSubConnection<String, String> pubsub;
    private final RedisBroker broker;
    private final Heartbeat heartbeat;
    private final RedisTunnelRegistry registry;
    private final RedisClientDirectory directory;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean brokerTaken;
    private volatile boolean registryTaken;
    private volatile boolean directoryTaken;
    private volatile boolean pubsubDown;
    private volatile boolean closed;

    private RedisCluster(String uri, Options options) {
        this.options = options;
        byte[] id = new byte[9];
        new SecureRandom().nextBytes(id);
        this.nodeId = HexFormat.of().formatHex(id);
        boolean sharded = uri.startsWith(CLUSTER_SCHEME);
        // On Redis Cluster the log and the histories share one hash tag: the publish script writes the log
        // and a path's history together, which Redis Cluster allows only within one slot. Each tunnel
        // record is its own hash tag (every registry script touches one record), so records spread.
        String keys = sharded ? "{" + options.prefix().replaceAll(":$", "") + "}:" : options.prefix();
        this.logKey = keys + "log";
        this.tunnelKeyPrefix = options.prefix() + "t:";
        this.shardedRecords = sharded;
        this.historyKeyPrefix = keys + "h:";
        // The directory shares the log's hash tag too: see RedisClientDirectory.
        this.directoryKeyPrefix = keys + "d:";
        this.directoryChannel = options.prefix() + "presence";
        this.pathChannelPrefix = options.prefix() + "p:";
        this.nodeChannelPrefix = options.prefix() + "n:";
        RedisConnectionStateListener watch = new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
                if (isSubscriptions(connection) && !closed) {
                    log.warn("lost the Redis Pub/Sub connection; reconnecting");
                    pubsubDown = true;
                }
            }

            @Override
            public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (isSubscriptions(connection) && pubsubDown && !closed) {
                    pubsubDown = false;
                    resubscribe(0);
                }
            }
        };
        if (sharded) {
            List<RedisURI> seeds = new ArrayList<>();
            for (String hostPort : uri.substring(CLUSTER_SCHEME.length()).split(",")) {
                seeds.add(RedisURI.create("redis://" + hostPort));
            }
            RedisClusterClient c = RedisClusterClient.create(resources, seeds);
            // Lettuce connects to each cluster node lazily, and a node connection still connecting would
            // reject commands: here they wait instead, bounded by the queue size and the command timeout.
            c.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .requestQueueSize(options.queueSize())
                    .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
                    .build());
            c.addListener(watch);
            this.client = c;
            this.async = c.connect().async();
            // Subscribe at the master running the publish script (the log's slot): there PUBLISH reaches
            // subscribers before the script returns, as on one Redis, so "ack means active" and the
            // log/live de-duplication of a resume hold. Elsewhere it would arrive later, over the cluster bus.
            RedisURI home = c.getPartitions()
                    .getPartitionBySlot(SlotHash.getSlot(logKey))
                    .getUri();
            this.pubsub = c.connectPubSub().getConnection(home.getHost(), home.getPort());
            this.heartbeat = new Heartbeat(List.of(pubsub), c.getResources().eventExecutorGroup(), HEARTBEAT);
        } else {
            RedisClient c = RedisClient.create(resources, RedisURI.create(uri));
            c.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    // At most once: a command cut off by a lost connection fails (a publish answers
                    // overloaded) instead of being sent again, which could run it twice.
                    .replayFilter(command -> true)
                    .requestQueueSize(options.queueSize())
                    .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
                    .build());
            c.addListener(watch);
            this.client = c;
            StatefulRedisConnection<String, String> commands = c.connect();
            this.async = commands.async();
            this.pubsub = c.connectPubSub();
            this.heartbeat =
                    new Heartbeat(List.of(commands, pubsub), c.getResources().eventExecutorGroup(), HEARTBEAT);
        }
        this.broker = new RedisBroker(this);
        this.registry = new RedisTunnelRegistry(this);
        this.directory = new RedisClientDirectory(this);
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (channel.equals(directoryChannel)) {
                    directory.announced(message);
                } else if (channel.startsWith(nodeChannelPrefix)) {
                    registry.nodeMessage(message);
                } else {
                    broker.receive(channel, message, null);
                }
            }

            @Override
            public void message(String pattern, String channel, String message) {
                broker.receive(channel, message, pattern);
            }
        });
    }

    /**
     * Connects to Redis at {@code uri} (any URI Lettuce accepts: {@code redis://host:port},
     * {@code rediss://...}, {@code redis-sentinel://...}). Throws when Redis cannot be reached now.
     */
    public static RedisCluster connect(String uri, Options options) {
        return new RedisCluster(uri, options);
    }

    /** How often each connection is sent a PING, to find one that stalled (see {@link Heartbeat}). */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    /** The longest wait between two reconnect attempts. */
    static final Duration RECONNECT_DELAY_MAX = Duration.ofSeconds(1);

    /** A Redis Cluster: {@code redis-cluster://HOST:PORT[,HOST:PORT...]} (seed nodes). */
    public static final String CLUSTER_SCHEME = "redis-cluster://";

    /** Live fan-out and the shared log. Closing every part taken (registry, directory too) disconnects. */
    @Override
    public synchronized Broker broker() {
        if (!brokerTaken) {
            brokerTaken = true;
            open.incrementAndGet();
        }
        return broker;
    }

    /** The cluster-wide tunnel register. Closing every part taken (broker, directory too) disconnects. */
    @Override
    public synchronized TunnelRegistry registry() {
        if (!registryTaken) {
            registryTaken = true;
            open.incrementAndGet();
        }
        return registry;
    }

    /**
     * Who holds what and presence, cluster-wide, on the same connections. Closing every part taken
     * ({@link #broker()}, {@link #registry()} too) disconnects.
     */
    @Override
    public synchronized ClientDirectory directory() {
        if (!directoryTaken) {
            directoryTaken = true;
            open.incrementAndGet();
        }
        return directory;
    }

    /** This member's id in keys and channels (random per start). */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Whether the count a {@code PUBLISH} returns covers every subscriber. On one Redis (or a Sentinel's
     * master) it does. On a Redis Cluster it counts only the subscribers connected to the master that ran
     * it: the message still reaches the others, over the cluster bus, so zero there means "none here",
     * not "none at all".
     */
    boolean publishCountsEverySubscriber() {
        return !shardedRecords;
    }

    /**
     * Whether {@code connection} carries this node's subscriptions. On a Redis Cluster only {@link #pubsub}
     * (the one at the log's master) does: Lettuce's cluster Pub/Sub connection also keeps an idle connection
     * to some master, whose loss must not be reported as a gap.
     */
    private boolean isSubscriptions(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
        return connection instanceof StatefulRedisPubSubConnection && (!shardedRecords || connection == pubsub);
    }

    /** A tunnel's record: {@code warren:t:T}, or {@code warren:t:{T}} on a Redis Cluster (its own slot). */
    String tunnelKey(String tunnelId) {
        return spread(tunnelKeyPrefix, tunnelId);
    }

    /** RedisRoutes: client id -> tunnel id. */
    String clientKey(String clientId) {
        return spread(options.prefix() + "c:", clientId);
    }

    /** RedisRoutes: user -> set of tunnel ids. */
    String userKey(String user) {
        return spread(options.prefix() + "u:", user);
    }

    /** RedisPublishIds: a backend datagram's own id -> datagram id. */
    String publishIdKey(String id) {
        return spread(options.prefix() + "i:", id);
    }

    /** On Redis Cluster a key of its own hash tag, so that keys spread over the slots (their scripts touch one key). */
    private String spread(String prefix, String id) {
        return shardedRecords ? prefix + "{" + id + "}" : prefix + id;
    }

    RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /**
     * After a reconnect: subscribe to every channel and pattern again (Lettuce does too, but we must know
     * when it is done), wait until commands work again too (a {@code PING}: the command connection
     * reconnects on its own schedule, up to a second later), then tell the node what it may have missed.
     * The node then writes its tunnel records again, which would fail, and leave them lost until their
     * owner takes them for culled, if commands were still refused.
     */
    private void resubscribe(int attempt) {
        if (closed) {
            return;
        }
        broker.resubscribe()
                .thenCompose(v -> directoryTaken ? directory.subscribe() : CompletableFuture.completedFuture(null))
                .thenCompose(v -> async.ping())
                .whenComplete((v, e) -> {
                    if (e == null) {
                        broker.gap();
                        if (directoryTaken) {
                            directory.gap();
                        }
                    } else if (!closed) {
                        log.debug("re-subscribing failed (attempt {}): {}", attempt, e.toString());
                        client.getResources()
                                .eventExecutorGroup()
                                .schedule(
                                        () -> resubscribe(attempt + 1),
                                        Math.min(1000, 50L << Math.min(attempt, 4)),
                                        TimeUnit.MILLISECONDS);
                    }
                });
    }

    /**
     * Runs {@code script}. Always by its text ({@code EVAL}), never {@code EVALSHA} with a fallback: after a
     * Redis restart the fallback would let later calls overtake earlier ones (a publish order broken, an
     * older tunnel record written last). Redis caches the compiled script, so this costs bytes, not CPU.
     */
    <T> CompletionStage<T> eval(Script script, ScriptOutputType type, String[] keys, String... args) {
        return async.<T>eval(script.text, type, keys, args)
                .toCompletableFuture()
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(unwrap(e)));
    }

    static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    void closed() {
        if (open.decrementAndGet() == 0) {
            closed = true;
            heartbeat.stop();
            client.shutdownAsync(0, 2, TimeUnit.SECONDS) // closes both connections
                    .whenComplete((v, e) -> resources.shutdown(0, 2, TimeUnit.SECONDS));
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** A Lua script. */
    static final class Script {
        final String text;

        Script(String text) {
            this.text = text;
        }
    }
}
