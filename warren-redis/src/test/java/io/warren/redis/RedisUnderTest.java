package io.warren.redis;

/**
 * A Redis deployment a test started and stops: one {@link RedisProcess} or a {@link RedisClusterNodes}
 * cluster. Suites written against one redis-server run on a Redis Cluster by overriding the method that
 * starts it.
 */
public interface RedisUnderTest extends AutoCloseable {
    /** The URI Warren connects with: {@code redis://} or {@code redis-cluster://}. */
    String uri();

    /** Stops every process of the deployment and deletes its files. */
    @Override
    void close();
}
