package io.warren.server.support;

import io.warren.redis.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the test classes that run on two Warren nodes sharing one real redis-server ({@link TwoNodes}):
 * {@link #a} and {@link #b} start once per class, each through the class's {@link #node}, and stop after
 * its last test. One instance per class, so that the nodes are the instance's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class OnTwoNodes {
    protected TwoNodes nodes;
    protected TestServer a;
    protected TestServer b;

    /** Starts one node of the pair against {@code redis}. */
    protected abstract TestServer node(RedisProcess redis);

    @BeforeAll
    void startNodes() {
        nodes = TwoNodes.start(this::node);
        a = nodes.a;
        b = nodes.b;
    }

    @AfterAll
    void stopNodes() {
        if (nodes != null) {
            nodes.close();
        }
    }
}
