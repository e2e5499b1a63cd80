package io.warren.server.ops;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per answered request to the {@code warren.access} logger: client address, method,
 * target with secrets redacted by decoded parameter name, status, bytes of the body, duration. A stream is logged when it
 * ends; on HTTP/1.1 its bytes include the chunk framing, which a stream writes itself (a framed chunk passes here as a plain
 * buffer, {@code StreamResponseEncoder}). Installed per channel only when the access log is on, so it costs nothing
 * otherwise.
 */
public final class AccessLogHandler extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger("warren.access");

    private String method;
    private String target;
    private long started;
    private int status;
    private long bytes;

    /** The request target with secrets redacted ({@link QueryRedactor}). */
    public static String redact(String uri) {
        return QueryRedactor.redact(uri);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest r) {
            method = r.method().name();
            target = redact(r.uri());
            started = System.nanoTime();
            status = 0;
            bytes = 0;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse r) {
            status = r.status().code();
        }
        if (msg instanceof ByteBufHolder h) {
            bytes += h.content().readableBytes();
        } else if (msg instanceof ByteBuf b) {
            bytes += b.readableBytes();
        }
        if (msg instanceof LastHttpContent && target != null) {
            String remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                    ? a.getAddress().getHostAddress()
                    : "-";
            long ms = (System.nanoTime() - started) / 1_000_000;
            log.atInfo()
                    .addKeyValue("remote", remote)
                    .addKeyValue("method", method)
                    .addKeyValue("target", target)
                    .addKeyValue("status", status)
                    .addKeyValue("bytes", bytes)
                    .addKeyValue("ms", ms)
                    .log("{} \"{} {}\" {} {}B {}ms", remote, method, target, status, bytes, ms);
            target = null;
        }
        super.write(ctx, msg, promise);
    }
}
