package io.warren.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.function.Consumer;

/**
 * The names of the handlers that serve HTTP requests (installed by the channel initializer, in this
 * order: {@link #FLUSHES} (HTTP/1.1 only), {@link #CODEC}, {@link #H2C}, {@link #ACCESS}, {@link #TIMEOUTS}, {@link #AGGREGATE},
 * {@link #ORIGINS}, {@link #WARREN}), and what a connection sheds once it carries a stream response.
 *
 * <p>A stream response (SSE and the other stream formats) is the connection's last: it ends by closing
 * the socket ({@link HttpTunnelConnection#end}), so from its first byte on the connection will never
 * decode, time, aggregate or upgrade another request. An idle tunnel holding those handlers would keep
 * about a kilobyte of heap each for nothing (docs/performance.md, idle memory), so they go: on HTTP/1.1
 * the server codec becomes a bare response encoder for the head (the request decoder with its parser
 * buffers goes), and once the head is written the shared {@link StreamResponseEncoder} (no state per tunnel),
 * and the flush consolidation (for answers to pipelined requests), the h2c upgrade, the request timeouts
 * and the aggregator are removed. What stays: the byte
 * counter, the encoder, the access log (it logs when the response ends), the origin check (it has to
 * see the response head, written after this) and Warren's handler, which detaches the tunnel when the
 * socket closes. Anything the client still sends reaches Warren's handler undecoded and closes the
 * socket: HTTP/1.1 has no room for a second answer while a chunked response is open.
 *
 * <p>A poll connection keeps everything: it answers one request and waits for the next.
 * {@code RequestHandlersTest} pins what remains.
 */
public final class RequestHandlers {
    public static final String FLUSHES = "flushes";
    public static final String CODEC = "http";
    public static final String H2C = "h2c";
    public static final String ACCESS = "access";
    public static final String TIMEOUTS = "timeouts";
    public static final String AGGREGATE = "aggregate";
    public static final String ORIGINS = "origins";
    public static final String WARREN = "warren";

    /** What a stream response no longer needs (the codec is replaced rather than removed). */
    private static final String[] REQUEST_ONLY = {FLUSHES, H2C, TIMEOUTS, AGGREGATE};

    private RequestHandlers() {}

    /**
     * Call before the stream's response head is written, from any thread: on the channel's event loop the
     * pipeline is trimmed at once, elsewhere the trim is queued to the loop ahead of the head's write
     * (writes from another thread are queued in order behind it). The fresh encoder then sees the head.
     * An HTTP/2 stream channel has no codec of its own to replace; its request handlers go likewise.
     *
     * @return whether the stream's chunks are to be framed by the caller ({@link StreamResponseEncoder}): the
     *     caller then writes the head and calls {@link #headWritten} before any chunk
     */
    static boolean streamStarting(Channel ch) {
        boolean framed = ch.pipeline().get(CODEC) instanceof HttpServerCodec;
        inWriteOrder(ch, RequestHandlers::trim);
        return framed;
    }

    /**
     * Call right after writing the head of a stream whose chunks the caller frames ({@link #streamStarting}
     * said so), from the thread that wrote it: the head's encoder gives way to the shared
     * {@link StreamResponseEncoder}, at once on the event loop, else queued behind the head's write.
     */
    static void headWritten(Channel ch) {
        inWriteOrder(ch, RequestHandlers::shareEncoder);
    }

    /**
     * Changes the pipeline at once on the channel's event loop, else queued to it: behind the writes this
     * thread queued before, ahead of those it queues after.
     */
    private static void inWriteOrder(Channel ch, Consumer<ChannelPipeline> change) {
        EventLoop loop = ch.eventLoop();
        if (loop.inEventLoop()) {
            change.accept(ch.pipeline());
        } else {
            loop.execute(() -> change.accept(ch.pipeline()));
        }
    }

    private static void shareEncoder(ChannelPipeline p) {
        if (p.get(CODEC) instanceof HttpResponseEncoder) {
            p.replace(CODEC, CODEC, StreamResponseEncoder.INSTANCE);
        }
    }

    private static void trim(ChannelPipeline p) {
        if (p.get(CODEC) instanceof HttpServerCodec) {
            // Bytes the decoder still held (a request pipelined behind the stream's) go on to Warren's
            // handler undecoded, which closes the socket.
            p.replace(CODEC, CODEC, new HttpResponseEncoder());
        }
        for (String name : REQUEST_ONLY) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }
}
