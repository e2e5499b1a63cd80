package io.warren.redis;

import io.warren.broker.BrokerContract;
import io.warren.spi.Broker;
import io.warren.spi.HistoryRule;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker contract on a real 3-master Redis Cluster ({@code redis-cluster://}, keys on every master). */
@RedisPerClass.OnRedisCluster(masters = 3)
class RedisClusterBrokerTest extends BrokerContract {
    @RegisterExtension
    static final RedisPerClass redis = new RedisPerClass();

    private final String prefix = "bc-" + UUID.randomUUID() + ":";

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
