package io.warren.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The chunk framing a stream writes itself ({@link StreamResponseEncoder}): whatever the chunk sizes (one to
 * five hex digits) and however many streams share the encoder, the bytes on the wire decode with Netty's own
 * client decoder to exactly the body written, head and last chunk included; what a stream must not write
 * after its head is refused and released.
 */
class StreamResponseEncoderTest {
    private static final int[] SIZES = {1, 9, 15, 16, 17, 255, 256, 4095, 4096, 65_535, 65_536, 300_000};

    /** A stream as the server sets it up: the head through Netty's encoder, then the shared one. */
    private static EmbeddedChannel stream() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(RequestHandlers.CODEC, new HttpResponseEncoder());
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpUtil.setTransferEncodingChunked(head, true);
        ch.writeOutbound(head);
        RequestHandlers.headWritten(ch);
        assertThat(ch.pipeline().get(RequestHandlers.CODEC)).isSameAs(StreamResponseEncoder.INSTANCE);
        return ch;
    }

    private static ByteBuf chunk(byte[] bytes) {
        ByteBuf chunk = StreamResponseEncoder.allocate(ByteBufAllocator.DEFAULT, 8);
        chunk.writeBytes(bytes); // larger than allocated for most sizes: the buffer grows behind the head room
        return StreamResponseEncoder.framed(chunk);
    }

    private static byte[] decodedBody(EmbeddedChannel server) {
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        for (ByteBuf out; (out = server.readOutbound()) != null; ) {
            client.writeInbound(out);
        }
        FullHttpResponse response = client.readInbound();
        try {
            assertThat(response.decoderResult().isSuccess()).isTrue();
            byte[] got = new byte[response.content().readableBytes()];
            response.content().readBytes(got);
            return got;
        } finally {
            response.release();
            assertThat(client.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void framedChunksOfTwoStreamsDecodeToTheBodiesWrittenWithTheirHeadsAndLastChunks() {
        EmbeddedChannel a = stream();
        EmbeddedChannel b = stream(); // the same encoder instance serves both
        ByteArrayOutputStream bodyA = new ByteArrayOutputStream();
        ByteArrayOutputStream bodyB = new ByteArrayOutputStream();
        for (int size : SIZES) {
            byte[] bytes = new byte[size];
            Arrays.fill(bytes, (byte) ('a' + size % 26));
            bodyA.writeBytes(bytes);
            a.writeOutbound(chunk(bytes));
            byte[] other = Arrays.copyOf(bytes, size / 2 + 1);
            Arrays.fill(other, (byte) '#');
            bodyB.writeBytes(other);
            b.writeOutbound(chunk(other));
        }
        byte[] footer = "bye".getBytes(StandardCharsets.US_ASCII);
        bodyA.writeBytes(footer);
        a.writeOutbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(footer))); // the last content is framed too
        b.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(decodedBody(a)).isEqualTo(bodyA.toByteArray());
        assertThat(decodedBody(b)).isEqualTo(bodyB.toByteArray());
        assertThat(a.finishAndReleaseAll()).isFalse();
        assertThat(b.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aChunkIsFramedWithItsSizeInHexAndCrlf() {
        ByteBuf chunk = StreamResponseEncoder.allocate(ByteBufAllocator.DEFAULT, 300);
        try {
            chunk.writeBytes(new byte[300]);
            String wire = StreamResponseEncoder.framed(chunk).toString(StandardCharsets.ISO_8859_1);
            assertThat(wire).startsWith("12c\r\n").endsWith("\0\r\n").hasSize(5 + 300 + 2);
        } finally {
            chunk.release();
        }
    }

    @Test
    void anEmptyChunkIsRefusedForItWouldEndTheResponse() {
        ByteBuf chunk = StreamResponseEncoder.allocate(ByteBufAllocator.DEFAULT, 0);
        try {
            assertThatThrownBy(() -> StreamResponseEncoder.framed(chunk)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            chunk.release();
        }
    }

    @Test
    void anythingButAChunkOrTheEndAfterTheHeadIsRefusedAndReleased() {
        EmbeddedChannel ch = stream();
        ch.releaseOutbound(); // the head
        DefaultHttpContent unframed = new DefaultHttpContent(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
        ChannelFuture f = ch.writeAndFlush(unframed);
        assertThat(f.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("framed chunks");
        assertThat(unframed.refCnt()).as("released").isZero();
        DefaultHttpResponse secondHead = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        assertThat(ch.writeAndFlush(secondHead).cause()).isInstanceOf(IllegalStateException.class);
        assertThat(ch.<Object>readOutbound()).as("nothing reached the socket").isNull();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
