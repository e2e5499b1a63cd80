package io.warren.redis;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis for one test class, registered as {@code @RegisterExtension static final RedisPerClass redis =
 * new RedisPerClass();}: started before the class's first test, stopped after its last. One redis-server,
 * or a Redis Cluster when the class (or a superclass) is annotated {@link OnRedisCluster}, so that a suite
 * written against one Redis runs on a cluster by subclassing it with the annotation.
 */
public final class RedisPerClass implements BeforeAllCallback, AfterAllCallback {
    /** Runs the annotated test class on a real Redis Cluster of {@code masters} masters. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @Inherited
    public @interface OnRedisCluster {
        int masters() default 3;
    }

    private RedisUnderTest redis;

    @Override
    public void beforeAll(ExtensionContext context) {
        OnRedisCluster cluster = context.getRequiredTestClass().getAnnotation(OnRedisCluster.class);
        redis = cluster == null ? RedisProcess.start() : RedisClusterNodes.start(cluster.masters());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    public String uri() {
        return get().uri();
    }

    public RedisUnderTest get() {
        if (redis == null) {
            throw new IllegalStateException("Redis is started for a test class: use it from its tests");
        }
        return redis;
    }

    /** The cluster of a class annotated {@link OnRedisCluster}. */
    public RedisClusterNodes cluster() {
        return (RedisClusterNodes) get();
    }
}
