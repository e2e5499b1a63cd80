package io.warren.server.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.warren.format.Format;
import io.warren.format.Formats;
import io.warren.server.support.LoopbackNettyServer;
import io.warren.server.support.SocketPeer;
import io.warren.spi.Connection;
import io.warren.spi.ConnectionContract;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link HttpTunnelConnection} keeps the {@link Connection} contract over a real socket: a Netty HTTP server
 * on a free port answers each request with a tunnel connection, and a plain socket reads the response,
 * chunked (stream formats) or whole (poll formats, {@code Connection: close}).
 */
class HttpTunnelConnectionContractTest extends ConnectionContract {
    private static final Formats FORMATS = Formats.builtIn();
    private static final List<Throwable> ERRORS = new CopyOnWriteArrayList<>();
    private static final BlockingQueue<HttpPeer> OPENED = new LinkedBlockingQueue<>();
    private static volatile Format format;
    private static LoopbackNettyServer server;

    @BeforeAll
    static void startServer() {
        server = LoopbackNettyServer.start(pipeline ->
                pipeline.addLast(new HttpServerCodec(), new SimpleChannelInboundHandler<HttpObject>() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ERRORS.add(cause); // a write the encoder refused (such as content after the end)
                    }

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                        if (msg instanceof HttpRequest req) {
                            OPENED.add(new HttpPeer(
                                    new HttpTunnelConnection(ctx.channel(), format, null, req.protocolVersion(), false),
                                    ctx.channel(),
                                    null));
                        }
                    }
                }));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected List<Format> formats() {
        return List.of(FORMATS.get("stream"), FORMATS.get("sse"), FORMATS.get("longpoll"));
    }

    @Override
    protected Peer connect(Format f) throws Exception {
        format = f;
        int port = server.port();
        SocketPeer socket = new SocketPeer(port, "GET /tunnel HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII));
        HttpPeer opened = OPENED.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(opened).as("the server answered with a tunnel connection").isNotNull();
        return new HttpPeer(opened.connection(), opened.channel(), socket);
    }

    /** The server's connection, its channel (whose loop is its shard) and the client socket. */
    private record HttpPeer(HttpTunnelConnection connection, Channel channel, SocketPeer socket) implements Peer {
        @Override
        public <T> T onShard(Callable<T> call) throws Exception {
            return channel.eventLoop().submit(call).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public String received() {
            return new String(ResponseBody.decode(socket.bytes()), UTF_8);
        }

        @Override
        public boolean complete() {
            return socket.eof();
        }

        @Override
        public void pauseReading(boolean paused) {
            socket.pauseReading(paused);
        }

        @Override
        public void disconnect() {
            socket.disconnect();
        }

        @Override
        public void close() {
            socket.close();
            List<Throwable> errors = List.copyOf(ERRORS);
            ERRORS.clear();
            assertThat(errors).as("errors on the server's channels").isEmpty();
        }
    }

    /**
     * The body of one HTTP/1.1 response as far as it has arrived: chunked or content-length. Bytes after
     * the response (a second response, a chunk after the last) are kept, marked, so that no assertion on
     * the body can miss them.
     */
    static final class ResponseBody {
        static byte[] decode(byte[] raw) {
            int headEnd = indexOf(raw, "\r\n\r\n".getBytes(US_ASCII), 0);
            if (headEnd < 0) {
                return new byte[0];
            }
            String head = new String(raw, 0, headEnd, US_ASCII).toLowerCase(Locale.ROOT);
            assertThat(head).startsWith("http/1.1 200");
            int at = headEnd + 4;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (head.contains("transfer-encoding: chunked")) {
                while (true) {
                    int lineEnd = indexOf(raw, new byte[] {'\r', '\n'}, at);
                    if (lineEnd < 0) {
                        return body.toByteArray(); // the next chunk has not arrived yet
                    }
                    int size = Integer.parseInt(new String(raw, at, lineEnd - at, US_ASCII).trim(), 16);
                    if (lineEnd + 2 + size + 2 > raw.length) {
                        return body.toByteArray();
                    }
                    body.write(raw, lineEnd + 2, size);
                    at = lineEnd + 2 + size + 2;
                    if (size == 0) {
                        break;
                    }
                }
            } else {
                int length = Integer.parseInt(head.replaceAll("(?s).*content-length: *(\\d+).*", "$1"));
                int available = Math.min(length, raw.length - at);
                body.write(raw, at, available);
                at += available;
            }
            if (at < raw.length) {
                body.writeBytes("<after the response:".getBytes(US_ASCII));
                body.write(raw, at, raw.length - at);
                body.writeBytes(">".getBytes(US_ASCII));
            }
            return body.toByteArray();
        }

        private static int indexOf(byte[] data, byte[] what, int from) {
            outer:
            for (int i = from; i <= data.length - what.length; i++) {
                for (int j = 0; j < what.length; j++) {
                    if (data[i + j] != what[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
