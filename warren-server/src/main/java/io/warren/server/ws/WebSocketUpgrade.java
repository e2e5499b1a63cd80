package io.warren.server.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.engine.Node;
import io.warren.engine.Tunnel;
import io.warren.format.Format;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Turns a validated {@code GET /tunnel?format=ws} request into a WebSocket carrying the tunnel: answers
 * the handshake, swaps the HTTP handlers for the WebSocket ones, and hands the engine a
 * {@link WebSocketTunnelConnection}. Messages are bounded by {@code max-body}, whole (fragments are
 * reassembled up to the same bound); a larger one closes the socket with 1009.
 */
public final class WebSocketUpgrade {
    private WebSocketUpgrade() {}

    /** Whether the request asks for a WebSocket upgrade. */
    public static boolean isUpgrade(FullHttpRequest req) {
        return req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /**
     * Completes the handshake on the channel's event loop and replaces the handler named
     * {@code httpHandlerName}. Returns the connection to attach, or throws {@code bad-request} when the
     * request is not a usable upgrade (nothing has been written then).
     */
    public static WebSocketTunnelConnection upgrade(
            Channel ch, FullHttpRequest req, Format format, Node node, String httpHandlerName) {
        if (ch instanceof Http2StreamChannel) {
            // RFC 8441 (extended CONNECT) is not in Netty: browsers fall back to HTTP/1.1 for WebSocket.
            throw ErrorCode.BAD_REQUEST.exception(
                    "format '" + format.name() + "' needs HTTP/1.1: WebSocket over HTTP/2 is not supported");
        }
        if (!isUpgrade(req)) {
            throw ErrorCode.BAD_REQUEST.exception("format '" + format.name() + "' needs a WebSocket upgrade request");
        }
        ChannelPipeline p = ch.pipeline();
        HttpObjectAggregator aggregator = p.get(HttpObjectAggregator.class);
        int maxMessage = aggregator != null ? aggregator.maxContentLength() : 64 * 1024;
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxMessage)
                .allowExtensions(false)
                .build();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                        "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + "/tunnel", null, config)
                .newHandshaker(req);
        if (handshaker == null) {
            throw ErrorCode.BAD_REQUEST.exception("unsupported WebSocket version (use 13)");
        }
        WebSocketTunnelConnection conn = new WebSocketTunnelConnection(ch, format);
        long idle = format.pingInterval(node.options().keepalive()).toMillis();
        p.replace(httpHandlerName, "warren-ws", new WebSocketTunnelHandler(node, conn));
        p.addBefore("warren-ws", "ws-aggregate", new WebSocketFrameAggregator(maxMessage));
        p.addBefore("ws-aggregate", "ws-idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
        // Frames from the client wait until the tunnel is attached (authentication may take a while).
        ch.config().setAutoRead(false);
        handshaker.handshake(ch, req);
        return conn;
    }

    /** Completes an open or attach: the tunnel is now the socket's, or the refusal is sent and the socket closed. */
    public static void opened(WebSocketTunnelConnection conn, Node node, Tunnel t, Throwable e) {
        if (e != null) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof WarrenException w) {
                conn.refuse(w.code().wireName(), w.getMessage());
            } else {
                conn.refuse(ErrorCode.OVERLOADED.wireName(), "the tunnel could not be opened");
            }
            return;
        }
        conn.attached(t);
        if (!conn.isActive()) {
            node.detach(t, conn);
        } else {
            conn.resumeReading();
        }
    }
}
