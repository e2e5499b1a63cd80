package io.warren.server.config;

import java.time.Duration;

/**
 * Cluster membership: the Redis every node of the cluster shares, and how much of the shared datagram
 * log it keeps for resuming tunnels on another node. Immutable.
 *
 * @param redis   a Redis URI as Lettuce reads it ({@code redis://HOST:PORT}, {@code rediss://...},
 *                {@code redis-sentinel://...}), or {@code redis-cluster://HOST:PORT[,HOST:PORT...]} for the
 *                seed nodes of a Redis Cluster
 * @param logSize datagrams kept in the shared log (approximately), cluster-wide
 * @param logAge  how long a datagram stays in the shared log at most
 */
public record ClusterOptions(String redis, int logSize, Duration logAge) {
    public ClusterOptions {
        if (redis == null || redis.isBlank()) {
            throw new IllegalArgumentException("redis must be a Redis URI such as redis://127.0.0.1:6379");
        }
        if (logSize < 1) {
            throw new IllegalArgumentException("cluster-log-size must be positive, not " + logSize);
        }
        if (logAge == null || logAge.isNegative() || logAge.isZero()) {
            throw new IllegalArgumentException("cluster-log-age must be a positive duration");
        }
    }

    public static ClusterOptions redis(String uri) {
        return new ClusterOptions(uri, 100_000, Duration.ofMinutes(10));
    }

    public ClusterOptions withLogSize(int v) {
        return new ClusterOptions(redis, v, logAge);
    }

    public ClusterOptions withLogAge(Duration v) {
        return new ClusterOptions(redis, logSize, v);
    }
}
