package io.warren.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.warren.format.Formats;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The HTTP side of a tunnel connection, on an EmbeddedChannel: no sockets, every buffer accounted for. */
class HttpTunnelConnectionTest {
    private static final Formats FORMATS = Formats.builtIn();

    private static String text(Object msg) {
        ByteBuf b = ((HttpContent) msg).content();
        String s = b.toString(StandardCharsets.UTF_8);
        ReferenceCountUtil.release(msg);
        return s;
    }

    @Test
    void streamSendsHeadersThenOneChunkPerFlushThenTheLastChunkAndCloses() {
        EmbeddedChannel ch = new EmbeddedChannel();
        HttpTunnelConnection c = new HttpTunnelConnection(ch, FORMATS.get("stream"), null, HttpVersion.HTTP_1_1, true);
        c.open("".getBytes(StandardCharsets.UTF_8));
        c.write("a\n".getBytes(StandardCharsets.UTF_8));
        c.write("b\n".getBytes(StandardCharsets.UTF_8));
        c.flush();
        c.flush(); // nothing pending: no empty chunk
        c.end("bye\n".getBytes(StandardCharsets.UTF_8), "superseded");

        HttpResponse head = ch.readOutbound();
        assertThat(head.headers().get("content-type")).startsWith("application/x-ndjson");
        assertThat(head.headers().get("transfer-encoding")).isEqualTo("chunked");
        assertThat(head.headers().get("x-accel-buffering")).isEqualTo("no");
        assertThat(text(ch.readOutbound())).isEqualTo("a\nb\n");
        Object last = ch.readOutbound();
        assertThat(last).isInstanceOf(LastHttpContent.class);
        assertThat(text(last)).isEqualTo("bye\n");
        assertThat(c.isEnded()).isTrue();
        assertThat(ch.isOpen()).as("stream connections close after the footer").isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void pollCollectsTheBatchIntoOneResponseAndKeepsTheSocket() {
        EmbeddedChannel ch = new EmbeddedChannel();
        HttpTunnelConnection c =
                new HttpTunnelConnection(ch, FORMATS.get("longpoll"), null, HttpVersion.HTTP_1_1, true);
        c.open("[".getBytes(StandardCharsets.UTF_8));
        c.write("1".getBytes(StandardCharsets.UTF_8));
        c.flush(); // polls answer at the end only
        assertThat(ch.<Object>readOutbound()).isNull();
        c.write(",2".getBytes(StandardCharsets.UTF_8));
        c.end("]".getBytes(StandardCharsets.UTF_8), "poll");
        FullHttpResponse r = ch.readOutbound();
        assertThat(r.headers().getInt("content-length")).isEqualTo(5);
        assertThat(r.content().toString(StandardCharsets.UTF_8)).isEqualTo("[1,2]");
        r.release();
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void oversizedBodiesAreAnsweredTooLargeAndTheSocketClosed() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestDecoder(), new BoundedAggregator(8));
        ch.writeInbound(ch.alloc()
                .buffer()
                .writeBytes("POST /events HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789"
                        .getBytes(StandardCharsets.US_ASCII)));
        FullHttpResponse r = ch.readOutbound();
        assertThat(r.status().code()).isEqualTo(413);
        assertThat(r.content().toString(StandardCharsets.UTF_8)).contains("\"error\":\"too-large\"");
        r.release();
        assertThat(ch.<Object>readInbound()).isNull();
        ch.finish();
    }
}
