package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.warren.NodeOptions;
import io.warren.server.WarrenServer;
import io.warren.server.config.ServerOptions;
import io.warren.server.support.H2Client;
import io.warren.server.support.LeakReports;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Warren mounted on connections an application's own Netty server accepted, on the application's event loops. */
class MountTest {

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpoll"})
    void mountedOnAnApplicationsOwnServer(String format) throws Exception {
        LeakReports.clear();
        WarrenServer warren = WarrenServer.builder(ServerOptions.defaults()
                        .withThreads(1)
                        .withNode(NodeOptions.defaults().withPollTimeout(Duration.ofSeconds(2))))
                .listen(false)
                .build()
                .start();
        EventLoopGroup app = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThatThrownBy(warren::port).isInstanceOf(IllegalStateException.class);
            Channel server = new ServerBootstrap()
                    .group(app)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            warren.mount(ch);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .sync()
                    .channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();

            try (TunnelClient c = TunnelClient.open(port, format, "subscribe=/app/*")) {
                assertThat(c.awaitOpen().get("resumed").asBoolean()).isFalse();
                for (int i = 0; i < 20; i++) {
                    warren.publish("/app/x", Integer.toString(i))
                            .toCompletableFuture()
                            .get(5, TimeUnit.SECONDS);
                }
                assertThat(c.await(20, Duration.ofSeconds(10)))
                        .extracting(d -> d.get("data").asInt())
                        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
                JsonNode ack = TestServer.sendTo(
                                port,
                                "POST",
                                "/events",
                                "{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/app/y\",\"data\":\"hi\"}")
                        .json();
                assertThat(ack.get(0).get("ok").asBoolean()).isTrue();
                assertThat(c.next().get("from").asText()).isEqualTo(c.client());
                assertThat(TestServer.sendTo(port, "GET", "/healthz", null).status())
                        .isEqualTo(200);
            }
            // The same mounted connection handling speaks HTTP/2 when the client starts with its preface.
            try (H2Client h2 = H2Client.priorKnowledge(port)) {
                H2Client.Stream s = h2.get("/tunnel?new=1&format=stream&subscribe=/app/*", true);
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> s.body().contains("/meta/open"));
                warren.publish("/app/h2", "\"over h2\"").toCompletableFuture().get(5, TimeUnit.SECONDS);
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> s.body().contains("over h2"));
            }
            server.close().sync();
        } finally {
            warren.close();
            app.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertThat(LeakReports.reports()).as("Netty buffer leaks").isEmpty();
    }

    @Test
    void mountingBeforeStartIsRefused() {
        WarrenServer warren = WarrenServer.builder(ServerOptions.defaults().withThreads(1))
                .listen(false)
                .build();
        try {
            assertThatThrownBy(() -> warren.mount(null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("start()");
        } finally {
            warren.close();
        }
    }
}
