package io.warren.redis;

import io.warren.broker.TunnelRegistryContract;
import io.warren.spi.TunnelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The tunnel-registry contract on a real 3-master Redis Cluster: each record in its own slot. */
class RedisClusterRegistryTest extends TunnelRegistryContract {
    static RedisClusterNodes redis;
    private final String prefix = "rc-" + UUID.randomUUID() + ":";
    private final List<RedisCluster> nodes = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisClusterNodes.start(3);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    /** The contract closes the registries; the connections close with the brokers. */
    @AfterEach
    void closeBrokers() {
        for (RedisCluster c : nodes) {
            c.broker().close();
        }
    }

    @Override
    protected TunnelRegistry startMember(TunnelRegistry.Listener listener) {
        RedisCluster c = RedisCluster.connect(
                redis.uri(), RedisCluster.Options.defaults().withPrefix(prefix));
        nodes.add(c);
        join(c.registry().start(listener));
        join(c.broker().start(d -> {})); // subscribes the node channel that carries evictions
        return c.registry();
    }
}
