package io.warren.server.cluster;

import io.warren.redis.RedisClusterNodes;
import io.warren.redis.RedisUnderTest;

/**
 * Every scenario of {@link ClusterTest} (fan-out, ack means active, client paths, resume on another node
 * in every format, history), with the nodes on a real 3-master Redis Cluster through
 * {@code redis-cluster://} instead of one Redis.
 */
class ClusterOnRedisClusterTest extends ClusterTest {
    @Override
    RedisUnderTest startRedis() {
        return RedisClusterNodes.start(3);
    }
}
