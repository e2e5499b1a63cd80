package io.warren.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The encoder of an HTTP/1.1 connection whose stream response has its head on the wire (it replaces the
 * response encoder then, {@link RequestHandlers#headWritten}), and the one owner of the stream's chunk
 * framing. One instance serves every stream: it keeps no state.
 *
 * <p>Why the stream frames its own chunks: Netty's encoder frames each chunk with a size line in a buffer
 * of its own and a shared CRLF, so a delivery left as three buffers and one {@code writev(2)}, once per
 * subscriber. The profile of a thousand subscribers put that framing at about a tenth of the event loops'
 * time (docs/performance.md). A stream's bytes are already copied into one pooled buffer per flush
 * ({@link HttpTunnelConnection}); {@link #allocate} keeps room in front of them for the size line,
 * {@link #framed} writes it and the CRLF in place, and this encoder passes such a buffer on as it is.
 *
 * <p>Why it replaces Netty's encoder once the head is written: that encoder keeps per-connection state
 * (and a list) for the head it no longer has to encode, about 120 bytes in each of thousands of idle
 * tunnels. What a stream writes after its head is only this: framed chunks (plain {@link ByteBuf}s) and its
 * end ({@link LastHttpContent}, whose content is framed here, then the last, empty chunk). Anything else
 * is refused: the write fails and the message is released.
 */
@ChannelHandler.Sharable
public final class StreamResponseEncoder extends ChannelOutboundHandlerAdapter {
    /** The one instance; see the class comment. */
    public static final StreamResponseEncoder INSTANCE = new StreamResponseEncoder();

    /** Room for the size line: up to 8 hex digits (a chunk is at most 2^31 - 1 bytes) and CRLF. */
    private static final int HEAD_ROOM = 10;

    private static final int CRLF = ('\r' << 8) | '\n';
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ByteBuf LAST_CHUNK = Unpooled.unreleasableBuffer(Unpooled.directBuffer(5)
            .writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
            .asReadOnly());

    private StreamResponseEncoder() {}

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf) {
            ctx.write(msg, promise);
        } else if (msg instanceof LastHttpContent last && last.trailingHeaders().isEmpty()) {
            ByteBuf content = last.content();
            if (content.isReadable()) {
                ByteBuf chunk = allocate(ctx.alloc(), content.readableBytes());
                chunk.writeBytes(content);
                ctx.write(framed(chunk), ctx.voidPromise());
            }
            last.release();
            ctx.write(LAST_CHUNK.duplicate(), promise);
        } else {
            ReferenceCountUtil.release(msg);
            promise.setFailure(
                    new IllegalStateException("a stream takes only framed chunks and its end after its head, not "
                            + msg.getClass().getName()));
        }
    }

    /** A pooled buffer for at least {@code bytes} bytes of one chunk, with room for its framing. */
    static ByteBuf allocate(ByteBufAllocator alloc, int bytes) {
        ByteBuf b = alloc.directBuffer(HEAD_ROOM + Math.max(256, bytes) + 2);
        b.writerIndex(HEAD_ROOM);
        b.readerIndex(HEAD_ROOM);
        return b;
    }

    /**
     * Frames the bytes written to a buffer from {@link #allocate} as one chunk: the size line in front, CRLF
     * behind. Returns the same buffer, readable from the size line on. At least one byte must have been written
     * (an empty chunk would end the response).
     */
    static ByteBuf framed(ByteBuf b) {
        int size = b.writerIndex() - HEAD_ROOM;
        if (size <= 0) {
            throw new IllegalArgumentException("an empty chunk ends a chunked response");
        }
        int digits = (Integer.SIZE - Integer.numberOfLeadingZeros(size) + 3) / 4;
        int at = HEAD_ROOM - 2 - digits;
        for (int i = digits - 1, v = size; i >= 0; i--, v >>>= 4) {
            b.setByte(at + i, HEX[v & 0xF]);
        }
        b.setShort(HEAD_ROOM - 2, CRLF);
        b.writeShort(CRLF);
        return b.readerIndex(at);
    }
}
