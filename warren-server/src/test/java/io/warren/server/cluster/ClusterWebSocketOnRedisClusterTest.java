package io.warren.server.cluster;

import io.warren.redis.RedisClusterNodes;
import io.warren.redis.RedisUnderTest;

/**
 * Every scenario of {@link ClusterWebSocketTest} (SSE on A resumed on B over a WebSocket, a WebSocket on A
 * resumed on B over a WebSocket) with both nodes on a real 3-master Redis Cluster.
 */
class ClusterWebSocketOnRedisClusterTest extends ClusterWebSocketTest {
    @Override
    RedisUnderTest startRedis() {
        return RedisClusterNodes.start(3);
    }
}
