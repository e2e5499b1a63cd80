package io.warren.server;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.warren.spi.ShardExecutor;
import java.util.concurrent.TimeUnit;

/** A Netty event loop as the owner of a shard: tunnels live on the loop that accepted their connection. */
final class EventLoopShardExecutor implements ShardExecutor {
    private final EventLoop loop;

    EventLoopShardExecutor(EventLoop loop) {
        this.loop = loop;
    }

    EventLoop loop() {
        return loop;
    }

    @Override
    public void execute(Runnable command) {
        loop.execute(command);
    }

    @Override
    public boolean inShard() {
        return loop.inEventLoop();
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        ScheduledFuture<?> f = loop.schedule(task, delay, unit);
        return () -> f.cancel(false);
    }
}
