package io.warren.engine;

import io.warren.spi.ShardExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** A {@link ShardExecutor} on a plain daemon thread, for embedding and benchmarks without Netty. */
public final class SingleThreadShardExecutor implements ShardExecutor, AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;
    private volatile @Nullable Thread thread;

    public SingleThreadShardExecutor(String name) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.prestartCoreThread();
    }

    @Override
    public void execute(Runnable command) {
        executor.execute(command);
    }

    @Override
    public boolean inShard() {
        return Thread.currentThread() == thread;
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        ScheduledFuture<?> f = executor.schedule(task, delay, unit);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
