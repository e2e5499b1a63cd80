package io.warren.redis;

import io.warren.broker.BrokerContract;
import io.warren.spi.Broker;
import io.warren.spi.HistoryRule;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The broker contract on a real 3-master Redis Cluster ({@code redis-cluster://}, keys on every master). */
class RedisClusterBrokerTest extends BrokerContract {
    static RedisClusterNodes redis;
    private final String prefix = "bc-" + UUID.randomUUID() + ":";

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

    @Override
    protected Broker createBroker(List<HistoryRule> history) {
        return RedisCluster.connect(
                        redis.uri(),
                        RedisCluster.Options.defaults().withPrefix(prefix).withHistory(history))
                .broker();
    }

    @Override
    protected boolean hasLog() {
        return true;
    }
}
