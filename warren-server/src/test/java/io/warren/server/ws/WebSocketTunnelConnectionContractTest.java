package io.warren.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.warren.format.Format;
import io.warren.format.Formats;
import io.warren.server.support.LoopbackNettyServer;
import io.warren.spi.Connection;
import io.warren.spi.ConnectionContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link WebSocketTunnelConnection} keeps the {@link Connection} contract over a real socket: a Netty
 * server on a free port upgrades each request and answers with a tunnel connection; the JDK's WebSocket
 * client receives the text messages, whose concatenation is what the engine wrote.
 */
class WebSocketTunnelConnectionContractTest extends ConnectionContract {
    private static final Formats FORMATS = Formats.builtIn();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<Throwable> ERRORS = new CopyOnWriteArrayList<>();
    private static final BlockingQueue<WsPeer> OPENED = new LinkedBlockingQueue<>();
    private static volatile Format format;
    private static LoopbackNettyServer server;

    @BeforeAll
    static void startServer() {
        server = LoopbackNettyServer.start(pipeline -> pipeline.addLast(
                new HttpServerCodec(),
                new HttpObjectAggregator(8192),
                new WebSocketServerProtocolHandler("/ws"),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                            OPENED.add(new WsPeer(
                                    new WebSocketTunnelConnection(ctx.channel(), format), ctx.channel(), null));
                        }
                        ctx.fireUserEventTriggered(evt);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ERRORS.add(cause);
                    }
                }));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected List<Format> formats() {
        return List.of(FORMATS.get("ws"));
    }

    @Override
    protected Peer connect(Format f) throws Exception {
        format = f;
        int port = server.port();
        Client client = new Client();
        HTTP.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        WsPeer opened = OPENED.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(opened).as("the server answered with a tunnel connection").isNotNull();
        return new WsPeer(opened.connection(), opened.channel(), client);
    }

    /** The JDK client: collects text, stops asking for messages while paused. */
    private static final class Client implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private volatile WebSocket socket;
        private volatile boolean closed;
        private boolean paused;
        private boolean owed; // a message not yet requested because reading was paused

        @Override
        public void onOpen(WebSocket ws) {
            socket = ws;
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            synchronized (this) {
                text.append(data);
                if (paused) {
                    owed = true;
                    return null;
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed = true;
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed = true;
        }

        synchronized String text() {
            return text.toString();
        }

        void pause(boolean pause) {
            boolean request;
            synchronized (this) {
                paused = pause;
                request = !pause && owed;
                owed = false;
            }
            if (request) {
                socket.request(1);
            }
        }
    }

    private record WsPeer(WebSocketTunnelConnection connection, Channel channel, Client client) implements Peer {
        @Override
        public <T> T onShard(Callable<T> call) throws Exception {
            return channel.eventLoop().submit(call).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public String received() {
            return client.text();
        }

        @Override
        public boolean complete() {
            return client.closed;
        }

        @Override
        public void pauseReading(boolean paused) {
            client.pause(paused);
        }

        @Override
        public void disconnect() {
            client.socket.abort();
        }

        @Override
        public void close() {
            client.socket.abort();
            List<Throwable> errors = List.copyOf(ERRORS);
            ERRORS.clear();
            assertThat(errors).as("errors on the server's channels").isEmpty();
        }
    }
}
