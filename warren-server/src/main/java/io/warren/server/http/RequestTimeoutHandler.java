package io.warren.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections that hold server resources without finishing a request (slowloris): a connection
 * with no request in progress (just opened, or its last response complete) must deliver a complete
 * request head within {@code idle}; once the head arrived, the body must be complete within
 * {@code request}. While a response is being produced (a held poll, a stream tunnel) no timer runs: the
 * engine's keepalives and timeouts own that time. A {@code 101 Switching Protocols} answer (WebSocket)
 * removes this handler: the upgraded connection is no longer HTTP.
 *
 * <p>Sits right after the HTTP codec, before the aggregator: it sees the request head and its last
 * content separately. Event-loop confined; one instance per channel.
 */
public final class RequestTimeoutHandler extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestTimeoutHandler.class);

    private final long idleNanos;
    private final long requestNanos;
    private Future<?> timer;
    private boolean responding;

    public RequestTimeoutHandler(Duration idle, Duration request) {
        this.idleNanos = idle.toNanos();
        this.requestNanos = request.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx, idleNanos, "idle");
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel(); // a stream response sheds this handler (RequestHandlers), an upgrade too
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (timer == null && !responding) {
            arm(ctx, idleNanos, "idle");
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            arm(ctx, requestNanos, "request");
        }
        if (msg instanceof LastHttpContent) {
            cancel();
            responding = true;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse r && r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            // An upgrade (WebSocket): the connection stops being HTTP; its own protocol owns idleness now.
            cancel();
            ctx.pipeline().remove(this);
            ctx.write(msg, promise);
            return;
        }
        if (msg instanceof LastHttpContent && responding) {
            responding = false;
            arm(ctx, idleNanos, "idle");
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    private void arm(ChannelHandlerContext ctx, long nanos, String what) {
        cancel();
        timer = ctx.executor()
                .schedule(
                        () -> {
                            timer = null;
                            if (!responding && ctx.channel().isActive()) {
                                log.debug(
                                        "closing {}: no complete request within the {} timeout",
                                        ctx.channel().remoteAddress(),
                                        what);
                                ctx.close();
                            }
                        },
                        nanos,
                        TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
