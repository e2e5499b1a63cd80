package io.warren.redis;

import io.warren.spi.BrokerProvider;
import java.util.List;

/**
 * The Redis cluster backend, found through {@link java.util.ServiceLoader}: {@code redis://},
 * {@code rediss://}, {@code redis-socket://}, {@code redis-sentinel://} and {@code redis-cluster://}.
 */
public final class RedisBrokerProvider implements BrokerProvider {
    private static final List<String> SCHEMES =
            List.of("redis://", "rediss://", "redis-socket://", "redis-sentinel://", RedisCluster.CLUSTER_SCHEME);

    @Override
    public boolean accepts(String uri) {
        return uri != null && SCHEMES.stream().anyMatch(uri::startsWith);
    }

    @Override
    public Backend connect(Options options) {
        return RedisCluster.connect(
                options.uri(),
                RedisCluster.Options.defaults()
                        .withLogSize(options.logSize())
                        .withLogAge(options.logAge())
                        .withHistory(options.history()));
    }
}
