package io.warren.redis;

import io.warren.spi.TunnelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The Redis parts of the test nodes of a contract run, under one key prefix of their own: each member is a
 * {@link RedisCluster} whose part under test (registry, directory) the contract closes; {@link #closeBrokers}
 * closes the connections after each test.
 */
final class RedisTestNodes {
    private final String prefix;
    private final List<RedisCluster> nodes = new ArrayList<>();

    RedisTestNodes(String name) {
        this.prefix = name + "-" + UUID.randomUUID() + ":";
    }

    String prefix() {
        return prefix;
    }

    /** A node connected on {@code uri} under this prefix, nothing started; its connections close after the test. */
    RedisCluster connect(String uri) {
        RedisCluster c =
                RedisCluster.connect(uri, RedisCluster.Options.defaults().withPrefix(prefix));
        nodes.add(c);
        return c;
    }

    /** A started registry member on {@code uri}, with its broker (whose node channel carries evictions). */
    TunnelRegistry startRegistry(String uri, TunnelRegistry.Listener listener) {
        RedisCluster c = connect(uri);
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
