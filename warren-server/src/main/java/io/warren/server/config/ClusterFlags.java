package io.warren.server.config;

import static io.warren.server.config.Values.check;
import static io.warren.server.config.Values.positive;

import picocli.CommandLine.Option;

/** Cluster membership: {@code --redis} and the shared resume log. */
final class ClusterFlags {
    private static final String[] SCHEMES = {
        "redis://", "rediss://", "redis-sentinel://", "redis-socket://", "redis-cluster://"
    };

    @Option(
            names = "--redis",
            paramLabel = "URI",
            description =
                    "Join a cluster through this Redis (redis://HOST:PORT, redis-sentinel://..., redis-cluster://HOST:PORT,...). Without it: one in-memory node.")
    String redis;

    @Option(
            names = "--cluster-log-size",
            defaultValue = "100000",
            description = "Cluster: datagrams kept in Redis for resuming tunnels on another node.")
    int clusterLogSize;

    @Option(
            names = "--cluster-log-age",
            defaultValue = "10m",
            description = "Cluster: how long datagrams stay in Redis for resume at most.")
    String clusterLogAge;

    /** null without {@code --redis}: one in-memory node. */
    ClusterOptions read() {
        if (redis == null || redis.isBlank()) {
            return null;
        }
        boolean known = false;
        for (String scheme : SCHEMES) {
            known |= redis.startsWith(scheme);
        }
        if (!known) {
            throw new IllegalArgumentException(
                    "redis must be a Redis URI such as redis://127.0.0.1:6379, not '" + redis + "'");
        }
        return new ClusterOptions(
                redis,
                positive("cluster-log-size", clusterLogSize),
                check("cluster-log-age", clusterLogAge, Units::duration));
    }
}
