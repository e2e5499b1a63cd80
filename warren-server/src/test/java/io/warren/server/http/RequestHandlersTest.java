package io.warren.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.warren.NodeOptions;
import io.warren.server.WarrenServer;
import io.warren.server.config.ServerOptions;
import io.warren.server.support.LeakReports;
import io.warren.server.support.SocketPeer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What stays in a connection's pipeline once its stream response has started, on real sockets: Warren is
 * mounted on connections this test's own server accepts, so the test holds the server's end of each
 * connection and can read its pipeline. The shape is pinned so that it does not regrow silently: every
 * handler an idle tunnel keeps costs heap in each of thousands of tunnels (docs/performance.md).
 */
class RequestHandlersTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private WarrenServer warren;
    private EventLoopGroup app;
    private Channel server;
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        LeakReports.clear();
        warren = WarrenServer.builder(ServerOptions.defaults()
                        .withThreads(1)
                        .withNode(NodeOptions.defaults().withPollTimeout(Duration.ofSeconds(2))))
                .listen(false)
                .build()
                .start();
        app = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(app)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        warren.mount(ch);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    @AfterEach
    void stop() throws Exception {
        server.close().sync();
        warren.close();
        app.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertThat(LeakReports.reports()).as("Netty buffer leaks").isEmpty();
    }

    private int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static byte[] get(String target) {
        return ("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(SocketPeer peer) {
        return new String(peer.bytes(), StandardCharsets.UTF_8);
    }

    /** The pipeline's handler names, without Netty's own tail. */
    private static List<String> names(Channel ch) {
        return ch.pipeline().names().stream()
                .filter(n -> !n.startsWith("DefaultChannelPipeline$"))
                .toList();
    }

    @Test
    void aStreamKeepsTheByteCounterAResponseEncoderAndWarren() throws Exception {
        try (SocketPeer peer = new SocketPeer(port(), get("/tunnel?new=1&format=sse&subscribe=/app/x"))) {
            Channel ch = accepted.poll(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> text(peer).contains("/meta/open"));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(names(ch))
                            .containsExactly("bytes", RequestHandlers.CODEC, RequestHandlers.WARREN));
            assertThat(ch.pipeline().get(RequestHandlers.CODEC))
                    .as("the request decoder is gone, and after the head the one shared encoder of framed chunks")
                    .isSameAs(StreamResponseEncoder.INSTANCE);
            // The trimmed stream still delivers, in chunks.
            warren.publish("/app/x", "\"after the trim\"").toCompletableFuture().get(5, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> text(peer).contains("after the trim"));
            assertThat(ch.isActive()).isTrue();
        }
    }

    @Test
    void aPollConnectionKeepsEveryRequestHandlerAndServesTheNextRequest() throws Exception {
        try (SocketPeer peer = new SocketPeer(port(), get("/tunnel?new=1&format=longpoll"))) {
            Channel ch = accepted.poll(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> text(peer).contains("/meta/open"));
            peer.write(get("/healthz"));
            await().atMost(WAIT).until(() -> text(peer).split("HTTP/1.1 200", -1).length == 3);
            assertThat(names(ch))
                    .containsExactly(
                            "bytes",
                            RequestHandlers.FLUSHES,
                            RequestHandlers.CODEC,
                            RequestHandlers.H2C,
                            RequestHandlers.TIMEOUTS,
                            RequestHandlers.AGGREGATE,
                            RequestHandlers.WARREN);
            assertThat(ch.pipeline().get(RequestHandlers.CODEC)).isInstanceOf(HttpServerCodec.class);
            assertThat(ch.isActive())
                    .as("a poll connection waits for the next request")
                    .isTrue();
        }
    }

    @Test
    void requestsPipelinedInOneReadAreAllAnsweredWhateverTheFlushConsolidation() throws Exception {
        // 100 answers in one read: more than the consolidator holds back (64), so it writes some before the
        // read ends and the rest at its end; none may stay behind.
        byte[] one = get("/healthz");
        byte[] all = new byte[one.length * 100];
        for (int i = 0; i < 100; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        try (SocketPeer peer = new SocketPeer(port(), all)) {
            Channel ch = accepted.poll(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> text(peer).split("HTTP/1.1 200", -1).length == 101);
            assertThat(names(ch)).contains(RequestHandlers.FLUSHES);
            assertThat(ch.isActive()).isTrue();
        }
    }

    @Test
    void aRequestSentWhileAStreamIsOpenClosesTheConnection() throws Exception {
        try (SocketPeer peer = new SocketPeer(port(), get("/tunnel?new=1&format=sse&subscribe=/app/x"))) {
            Channel ch = accepted.poll(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> text(peer).contains("/meta/open"));
            await().atMost(WAIT).until(() -> names(ch).size() == 3);
            int tunnels = warren.node().tunnelCount();
            peer.write(get("/healthz"));
            await().atMost(WAIT).until(peer::eof);
            assertThat(ch.isActive()).isFalse();
            assertThat(warren.node().tunnelCount())
                    .as("the tunnel is detached, not closed")
                    .isEqualTo(tunnels);
        }
    }
}
