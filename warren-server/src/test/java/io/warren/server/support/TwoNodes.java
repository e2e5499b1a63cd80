package io.warren.server.support;

import io.warren.redis.RedisProcess;
import java.util.function.Function;

/**
 * Two Warren nodes sharing one real redis-server, for tests of what a cluster does; {@code node} starts one
 * node against the given Redis. Closing stops both nodes, then Redis.
 */
public final class TwoNodes implements AutoCloseable {
    public final RedisProcess redis;
    public final TestServer a;
    public final TestServer b;

    private TwoNodes(RedisProcess redis, TestServer a, TestServer b) {
        this.redis = redis;
        this.a = a;
        this.b = b;
    }

    public static TwoNodes start(Function<RedisProcess, TestServer> node) {
        RedisProcess redis = RedisProcess.start();
        TestServer a = null;
        try {
            a = node.apply(redis);
            return new TwoNodes(redis, a, node.apply(redis));
        } catch (RuntimeException | Error e) {
            if (a != null) {
                a.close();
            }
            redis.close();
            throw e;
        }
    }

    @Override
    public void close() {
        a.close();
        b.close();
        redis.close();
    }
}
