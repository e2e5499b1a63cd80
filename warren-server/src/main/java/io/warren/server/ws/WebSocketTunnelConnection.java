package io.warren.server.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.warren.datagram.ControlDatagrams;
import io.warren.engine.Tunnel;
import io.warren.format.Format;
import io.warren.spi.Connection;

/**
 * A tunnel connection over an upgraded WebSocket: each envelope the engine writes becomes one text
 * message, and the messages of one engine flush reach the socket with one flush. {@link #end} follows the
 * engine's {@code /meta/close} datagram with a Close frame whose code and reason say why.
 *
 * <p>The engine calls in on the tunnel's shard thread; when that is not the channel's event loop Netty
 * queues the writes to the loop in order. The envelope bytes are shared with other tunnels: they are
 * wrapped, never modified, and the wrapper needs no release beyond what Netty's encoder does.
 */
public final class WebSocketTunnelConnection implements Connection {
    private final Channel channel;
    private final Format format;
    private volatile Tunnel tunnel;
    private volatile boolean ended;

    public WebSocketTunnelConnection(Channel channel, Format format) {
        this.channel = channel;
        this.format = format;
    }

    void attached(Tunnel t) {
        this.tunnel = t;
    }

    void resumeReading() {
        channel.config().setAutoRead(true);
    }

    Tunnel tunnel() {
        return tunnel;
    }

    boolean isEnded() {
        return ended;
    }

    @Override
    public Format format() {
        return format;
    }

    @Override
    public String callback() {
        return null;
    }

    @Override
    public void open(byte[] header) {
        if (ended) {
            return;
        }
        // The handshake response has been written already; a framed format has no header bytes.
        write(header);
    }

    @Override
    public void write(byte[] bytes) {
        if (!ended && bytes.length > 0) {
            channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)), channel.voidPromise());
        }
    }

    @Override
    public void flush() {
        if (!ended) {
            channel.flush();
        }
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public boolean isActive() {
        return channel.isActive();
    }

    @Override
    public void end(byte[] footer, String reason) {
        if (ended) {
            return; // idempotent: one Close frame, nothing after it
        }
        write(footer);
        ended = true;
        channel.writeAndFlush(new CloseWebSocketFrame(closeStatus(reason), reason))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Sends a refusal (authentication, shutdown) as a close datagram and Close frame, then closes. */
    void refuse(String code, String message) {
        ended = true;
        channel.write(
                new TextWebSocketFrame(
                        ControlDatagrams.refusedOpen(code, message).toString()),
                channel.voidPromise());
        WebSocketCloseStatus status = code.equals("unauthorized") || code.equals("forbidden")
                ? WebSocketCloseStatus.POLICY_VIOLATION
                : WebSocketCloseStatus.TRY_AGAIN_LATER;
        channel.writeAndFlush(new CloseWebSocketFrame(status, code)).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Close codes: {@code 1001} going away for a server shutdown, {@code 1008} for a client too slow to
     * keep, {@code 1000} otherwise (superseded by a newer connection, tunnel culled); the reason text is the
     * engine's reason word.
     */
    static WebSocketCloseStatus closeStatus(String reason) {
        return switch (reason) {
            case "shutdown" -> WebSocketCloseStatus.ENDPOINT_UNAVAILABLE;
            case "slow" -> WebSocketCloseStatus.POLICY_VIOLATION;
            default -> WebSocketCloseStatus.NORMAL_CLOSURE;
        };
    }
}
