package io.warren.server.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The plain port's choice between h2c and HTTP/1.1, fed byte by byte as a socket may deliver them. */
class PrefaceDetectorTest {
    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    private final StringBuilder chosen = new StringBuilder();
    private final StringBuilder passed = new StringBuilder();

    private EmbeddedChannel channel() {
        ProtocolChoice choice = new ProtocolChoice(p -> p.addLast(recorder("http1")), p -> p.addLast(recorder("h2")));
        return new EmbeddedChannel(new PrefaceDetector(choice, Duration.ofSeconds(5)));
    }

    private ChannelInboundHandlerAdapter recorder(String name) {
        chosen.append(name);
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                passed.append(b.toString(StandardCharsets.US_ASCII));
                b.release();
            }
        };
    }

    private static void feed(EmbeddedChannel ch, String text) {
        for (int i = 0; i < text.length(); i++) {
            ch.writeInbound(Unpooled.copiedBuffer(new byte[] {(byte) text.charAt(i)}));
        }
    }

    @Test
    void thePrefaceChoosesH2OnlyOnceCompleteAndPassesEveryByteOn() {
        EmbeddedChannel ch = channel();
        feed(ch, PREFACE.substring(0, PREFACE.length() - 1));
        assertThat(chosen).isEmpty();
        feed(ch, PREFACE.substring(PREFACE.length() - 1) + "x");
        assertThat(chosen).hasToString("h2");
        assertThat(passed).hasToString(PREFACE + "x");
        assertThat(ch.pipeline().get(PrefaceDetector.class)).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theFirstDifferingByteChoosesHttp1() {
        EmbeddedChannel ch = channel();
        feed(ch, "PRI * HTTP/1.1\r\n");
        assertThat(chosen).hasToString("http1");
        assertThat(passed).hasToString("PRI * HTTP/1.1\r\n");
        EmbeddedChannel get = channel();
        get.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
        assertThat(chosen).hasToString("http1http1");
        assertThat(ch.finish()).isFalse();
        assertThat(get.finish()).isFalse();
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeout() {
        // Time frozen before the detector arms its timer: otherwise the embedded loop's clock also runs in real
        // time, and on a busy machine more than a millisecond passes between arming and the first check.
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new PrefaceDetector(new ProtocolChoice(p -> {}, p -> {}), Duration.ofMillis(50)));
        ch.advanceTimeBy(49, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }
}
