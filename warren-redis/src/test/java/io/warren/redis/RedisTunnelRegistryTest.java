package io.warren.redis;

import io.warren.broker.TunnelRegistry;
import io.warren.broker.TunnelRegistryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster-wide tunnel register on a real Redis, against the shared contract (ownership, eviction, expiry). */
class RedisTunnelRegistryTest extends TunnelRegistryContract {
    static RedisProcess redis;
    private final String prefix = "reg-" + UUID.randomUUID() + ":";
    private final List<RedisCluster> nodes = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
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
        RedisCluster c = RedisCluster.connect(redis.uri(), RedisCluster.Options.defaults().withPrefix(prefix));
        nodes.add(c);
        join(c.registry().start(listener));
        join(c.broker().start(d -> { })); // subscribes the node channel that carries evictions
        return c.registry();
    }

    @Test
    void attributesJacksonCannotWriteAreKeptAsText() {
        Object opaque = new Object() {
            @Override
            public String toString() {
                return "opaque";
            }
        };
        String json = RedisTunnelRegistry.attributesJson(Map.of("n", 1, "o", opaque, "list", List.of("a")));
        assertThat(json).contains("\"n\":1").contains("\"o\":\"opaque\"").contains("\"list\":[\"a\"]");
    }
}
