package io.warren.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The in-process scenarios' client connections: one to 127.0.0.1:port with the given handlers. */
final class LoopbackClient {
    private LoopbackClient() {}

    /** Connects and waits for the connection; {@code handlers} are this channel's own instances. */
    static Channel connect(EventLoopGroup group, int port, ChannelHandler... handlers) throws InterruptedException {
        return new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(handlers);
                    }
                })
                .connect("127.0.0.1", port)
                .sync()
                .channel();
    }
}
