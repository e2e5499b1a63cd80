package io.warren.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * The encoder of an HTTP/1.1 connection that carries a stream response (it replaces the server codec,
 * {@link RequestHandlers}), and the one owner of the stream's chunk framing.
 *
 * <p>Why the stream frames its own chunks: Netty's encoder frames each chunk with a size line in a buffer
 * of its own and a shared CRLF, so a delivery left as three buffers and one {@code writev(2)}, once per
 * subscriber. The profile of a thousand idle-ish subscribers put that framing at about a tenth of the
 * event loops' time (docs/performance.md). A stream's bytes are already copied into one pooled buffer per
 * flush ({@link HttpTunnelConnection}); {@link #allocate} keeps room in front of them for the size line,
 * {@link #framed} writes it and the CRLF in place, and this encoder passes such a buffer on as it is. The
 * head and the last chunk (with the close footer) still go through the encoder as HTTP objects.
 *
 * <p>Only plain {@link ByteBuf}s pass unencoded: on this connection nothing else writes one, and every
 * chunk of the stream's body is one.
 */
public final class StreamResponseEncoder extends HttpResponseEncoder {
    /** Room for the size line: up to 8 hex digits (a chunk is at most 2^31 - 1 bytes) and CRLF. */
    private static final int HEAD_ROOM = 10;

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public boolean acceptOutboundMessage(Object msg) throws Exception {
        return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
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

    private static final int CRLF = ('\r' << 8) | '\n';
}
