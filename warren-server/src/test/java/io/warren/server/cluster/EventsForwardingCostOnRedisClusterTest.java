package io.warren.server.cluster;

import io.warren.redis.RedisClusterNodes;
import io.warren.redis.RedisUnderTest;

/**
 * {@link EventsForwardingCostTest} with both nodes on a real 3-master Redis Cluster: the forwarding script
 * runs at the master of the tunnel's record and its message reaches the owner over the cluster bus
 * (docs/cluster.md, <i>Forwarding on a Redis Cluster</i>).
 */
class EventsForwardingCostOnRedisClusterTest extends EventsForwardingCostTest {
    @Override
    RedisUnderTest startRedis() {
        return RedisClusterNodes.start(3);
    }
}
