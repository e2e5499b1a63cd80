package io.warren.spi;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A single thread that owns a shard of tunnels. The server passes its Netty event loops; an embedding
 * without Netty may pass {@link SingleThreadShardExecutor}. Tasks run in submission order, one at a time.
 */
public interface ShardExecutor extends Executor {

    /** Whether the calling thread is this executor's thread. */
    boolean inShard();

    /** Runs {@code task} once after {@code delay}; the returned handle cancels it. */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
