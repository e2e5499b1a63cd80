package io.warren.server.cluster;

import io.warren.redis.RedisClusterNodes;

/**
 * Every scenario of {@link ClusterWebSocketTest} (SSE on A resumed on B over a WebSocket, a WebSocket on A
 * resumed on B over a WebSocket) with both nodes on a real 3-master Redis Cluster.
 */
class ClusterWebSocketOnRedisClusterTest extends ClusterWebSocketTest {
    private RedisClusterNodes shards;

    @Override
    String startRedis() {
        shards = RedisClusterNodes.start(3);
        return shards.uri();
    }

    @Override
    void stopRedis() {
        if (shards != null) {
            shards.close();
        }
    }
}
