package io.warren.redis;

import io.warren.spi.TunnelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The Redis parts of the test nodes of a registry contract run, under one key prefix of their own: each
 * member is a registry with its broker (the broker's node channel carries evictions). The contract closes
 * the registries; {@link #closeBrokers} closes the connections after each test.
 */
final class RegistryNodes {
    private final String prefix;
    private final List<RedisCluster> nodes = new ArrayList<>();

    RegistryNodes(String name) {
        this.prefix = name + "-" + UUID.randomUUID() + ":";
    }

    String prefix() {
        return prefix;
    }

    /** A started member on {@code uri}. */
    TunnelRegistry start(String uri, TunnelRegistry.Listener listener) {
        RedisCluster c =
                RedisCluster.connect(uri, RedisCluster.Options.defaults().withPrefix(prefix));
        nodes.add(c);
        join(c.registry().start(listener));
        join(c.broker().start(d -> {}));
        return c.registry();
    }

    RedisCluster get(int i) {
        return nodes.get(i);
    }

    void closeBrokers() {
        for (RedisCluster c : nodes) {
            c.broker().close();
        }
        nodes.clear();
    }

    private static <T> T join(CompletionStage<T> s) {
        return s.toCompletableFuture().join();
    }
}
