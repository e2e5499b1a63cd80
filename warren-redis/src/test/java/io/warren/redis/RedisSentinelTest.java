package io.warren.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.broker.BrokerContract;
import io.warren.datagram.Datagram;
import io.warren.datagram.DatagramIds;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.Broker;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A cluster member finds its Redis through Sentinel ({@code redis-sentinel://} URIs). */
class RedisSentinelTest {

    @Test
    void aMemberConnectsThroughSentinel() throws Exception {
        try (RedisProcess master = RedisProcess.start();
                RedisProcess sentinel = RedisProcess.sentinel(master)) {
            RedisCluster cluster = RedisCluster.connect(
                    "redis-sentinel://127.0.0.1:" + sentinel.port() + "#mymaster", RedisCluster.Options.defaults());
            Broker broker = cluster.broker();
            try {
                BrokerContract.Recorder r = new BrokerContract.Recorder();
                broker.start(r).toCompletableFuture().get(10, TimeUnit.SECONDS);
                broker.subscribe(PathPattern.parse("/s/*"))
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                Datagram d = new Datagram(new DatagramIds().next(), Path.of("/s/x"), "\"via sentinel\"", null);
                broker.publish(d).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(r.take().id()).isEqualTo(d.id());
                // It really is the master behind the sentinel that holds the log.
                assertThat(master.command("XLEN", "warren:log")).isEqualTo(":1");
            } finally {
                broker.close();
            }
        }
    }
}
