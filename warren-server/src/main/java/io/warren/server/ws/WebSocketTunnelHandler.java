package io.warren.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.ClientDatagramParser;
import io.warren.datagram.ControlDatagrams;
import io.warren.engine.Node;
import io.warren.engine.Tunnel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound side of a WebSocket tunnel, in place of the HTTP handler once the request is upgraded.
 *
 * <p>Text messages are client datagrams with the same rules as {@code POST /events}; the tunnel is the
 * socket's own, so {@code tunnel} may be omitted. Each datagram's ack comes back as a {@code /meta/ack}
 * datagram; a message that cannot be read at all gets a {@code /meta/error} datagram and changes nothing.
 * One message is processed at a time: reading pauses until its acks are written, which bounds the work a
 * client can queue. Pings probe a quiet client: after one idle interval without any frame from it the
 * server pings, and after a second one it closes the socket.
 */
final class WebSocketTunnelHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(WebSocketTunnelHandler.class);

    private final Node node;
    private final WebSocketTunnelConnection conn;
    private boolean pingOutstanding;

    WebSocketTunnelHandler(Node node, WebSocketTunnelConnection conn) {
        this.node = node;
        this.conn = conn;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        pingOutstanding = false;
        if (frame instanceof TextWebSocketFrame) {
            text(ctx, frame.content());
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), ctx.voidPromise());
        } else if (frame instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "bye"))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (frame instanceof BinaryWebSocketFrame) {
            send(
                    ctx,
                    ControlDatagrams.error(
                                    ErrorCode.BAD_REQUEST.wireName(), "send datagrams as text messages holding JSON")
                            .toString());
        }
        // Pong: liveness only.
    }

    private void text(ChannelHandlerContext ctx, ByteBuf content) {
        Tunnel t = conn.tunnel();
        byte[] body = ByteBufUtil.getBytes(content);
        List<ClientDatagram> entries;
        try {
            entries = ClientDatagramParser.parse(body);
        } catch (WarrenException e) {
            send(
                    ctx,
                    ControlDatagrams.error(e.code().wireName(), e.getMessage()).toString());
            return;
        }
        List<ClientDatagram> checked = new ArrayList<>(entries.size());
        for (ClientDatagram cd : entries) {
            if (cd.error() == null && t == null) {
                cd = ClientDatagram.invalid(
                        ErrorCode.BAD_REQUEST.exception("wait for /meta/open before sending datagrams"), cd.ref());
            } else if (cd.error() == null && cd.tunnel() != null && !cd.tunnel().equals(t.id())) {
                cd = ClientDatagram.invalid(
                        ErrorCode.BAD_REQUEST.exception("a WebSocket speaks for its own tunnel only"), cd.ref());
            }
            checked.add(cd);
        }
        if (t == null) {
            List<Ack> acks = new ArrayList<>(checked.size());
            for (ClientDatagram cd : checked) {
                acks.add(Ack.error(cd.error(), cd.ref()));
            }
            sendAcks(ctx, acks);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        node.clientDatagrams(t, checked).whenComplete((acks, e) -> {
            if (e != null) {
                log.warn("client datagrams failed", e);
                acks = List.of();
            }
            List<Ack> answer = acks;
            ctx.executor().execute(() -> {
                sendAcks(ctx, answer);
                ctx.channel().config().setAutoRead(true);
            });
        });
    }

    private static void sendAcks(ChannelHandlerContext ctx, List<Ack> acks) {
        for (Ack a : acks) {
            ctx.write(new TextWebSocketFrame(ControlDatagrams.ack(a).toString()), ctx.voidPromise());
        }
        ctx.flush();
    }

    private static void send(ChannelHandlerContext ctx, String json) {
        ctx.writeAndFlush(new TextWebSocketFrame(json), ctx.voidPromise());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (pingOutstanding) {
                log.debug("WebSocket client silent after a ping; closing");
                ctx.close();
            } else {
                pingOutstanding = true;
                ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Tunnel t = conn.tunnel();
        if (t != null && !conn.isEnded()) {
            node.detach(t, conn);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        Tunnel t = conn.tunnel();
        if (ctx.channel().isWritable() && t != null && !conn.isEnded()) {
            node.writable(t);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException) {
            // The decoder has already answered with a Close frame (1009 / 1002).
            log.debug("bad WebSocket frame: {}", cause.toString());
        } else if (cause instanceof IOException) {
            log.debug("connection error: {}", cause.toString());
        } else {
            log.warn("unexpected error on {}", ctx.channel(), cause);
        }
        ctx.close();
    }
}
