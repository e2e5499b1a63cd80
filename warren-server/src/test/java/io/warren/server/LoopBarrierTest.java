package io.warren.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The shutdown's barrier on real Netty event loops: it returns once every loop has run what was queued on
 * it before (the close datagrams handed to a socket's own loop), and gives up at its deadline when a loop
 * is stuck, rather than waiting for ever.
 */
class LoopBarrierTest {

    @Test
    void aTaskQueuedOnAnyLoopBeforeTheBarrierHasRunWhenItReturns() {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean queuedRan = new AtomicBoolean();
            // One loop busy, and a write-like task queued on it behind the busy one.
            EventExecutor first = group.iterator().next();
            first.execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            first.execute(() -> queuedRan.set(true));
            // The negative: while a loop is stuck, the barrier gives up at its deadline.
            long start = System.nanoTime();
            boolean stuck = LoopBarrier.await(group, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
            assertThat(stuck).isFalse();
            assertThat(queuedRan).as("still queued behind the busy task").isFalse();
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
            release.countDown();
            assertThat(LoopBarrier.await(group, System.nanoTime() + TimeUnit.SECONDS.toNanos(10)))
                    .isTrue();
            assertThat(queuedRan).isTrue();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
