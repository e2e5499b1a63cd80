package io.warren.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.warren.spi.ShardExecutor;
import io.warren.spi.ShardExecutorContract;
import java.util.concurrent.TimeUnit;

/** A Netty event loop as the server uses it: one loop of a group, shut down with the group. */
class EventLoopShardExecutorTest extends ShardExecutorContract {

    @Override
    protected ShardExecutor newExecutor() {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        return new EventLoopShardExecutor(group.next());
    }

    @Override
    protected void shutDown(ShardExecutor executor) {
        ((EventLoopShardExecutor) executor)
                .loop()
                .parent()
                .shutdownGracefully(0, 0, TimeUnit.MILLISECONDS)
                .syncUninterruptibly();
    }
}
