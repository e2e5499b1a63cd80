package io.warren.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The client-directory contract on a real 3-master Redis Cluster: every directory key shares the log's
 * hash tag (one slot), and announcements published on that master reach every node. Its fixture methods
 * hide the single Redis's, so that only the cluster is started.
 */
class RedisClusterDirectoryTest extends RedisClientDirectoryTest {
    static RedisClusterNodes cluster;

    @BeforeAll
    static void startRedis() {
        cluster = RedisClusterNodes.start(3);
    }

    @AfterAll
    static void stopRedis() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String uri() {
        return cluster.uri();
    }
}
