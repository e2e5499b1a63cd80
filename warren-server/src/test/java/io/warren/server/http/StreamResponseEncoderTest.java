package io.warren.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The chunk framing a stream writes itself ({@link StreamResponseEncoder}): whatever the chunk sizes (one to
 * seven hex digits), the bytes on the wire decode with Netty's own client decoder to exactly the body written,
 * head and last chunk included.
 */
class StreamResponseEncoderTest {
    private static final int[] SIZES = {1, 9, 15, 16, 17, 255, 256, 4095, 4096, 65_535, 65_536, 300_000};

    @Test
    void framedChunksDecodeToTheBodyWrittenWithTheHeadAndTheLastChunk() {
        EmbeddedChannel server = new EmbeddedChannel(new StreamResponseEncoder());
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpUtil.setTransferEncodingChunked(head, true);
        server.writeOutbound(head);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size : SIZES) {
            byte[] bytes = new byte[size];
            Arrays.fill(bytes, (byte) ('a' + size % 26));
            body.writeBytes(bytes);
            ByteBuf chunk = StreamResponseEncoder.allocate(ByteBufAllocator.DEFAULT, 8);
            chunk.writeBytes(bytes); // larger than allocated for most sizes: the buffer grows behind the head room
            server.writeOutbound(StreamResponseEncoder.framed(chunk));
        }
        byte[] footer = "bye".getBytes(StandardCharsets.US_ASCII);
        body.writeBytes(footer);
        server.writeOutbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(footer)));

        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        for (ByteBuf out; (out = server.readOutbound()) != null; ) {
            client.writeInbound(out);
        }
        FullHttpResponse response = client.readInbound();
        try {
            assertThat(response.decoderResult().isSuccess()).isTrue();
            byte[] got = new byte[response.content().readableBytes()];
            response.content().readBytes(got);
            assertThat(got).isEqualTo(body.toByteArray());
        } finally {
            response.release();
        }
        assertThat(server.finishAndReleaseAll()).isFalse();
        assertThat(client.finishAndReleaseAll()).isFalse();
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
    void httpObjectsAreStillEncodedAndOnlyPlainBuffersPass() throws Exception {
        StreamResponseEncoder encoder = new StreamResponseEncoder();
        ByteBuf raw = Unpooled.buffer(1);
        try {
            assertThat(encoder.acceptOutboundMessage(raw)).isFalse();
            assertThat(encoder.acceptOutboundMessage(new DefaultLastHttpContent()))
                    .isTrue();
            assertThat(encoder.acceptOutboundMessage(
                            new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK)))
                    .isTrue();
        } finally {
            raw.release();
        }
    }
}
