package io.warren.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.warren.format.Formats;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's per-subscriber write path: {@code perFlush} envelopes written to one SSE tunnel connection
 * and flushed, through the real HTTP codec on an {@link EmbeddedChannel} (no socket, so the syscall is
 * not in the figure). {@code chunks=framed} is the server's pipeline: the codec under its name, which the
 * stream trims to a {@link StreamResponseEncoder}, so the connection frames its chunks itself;
 * {@code chunks=netty} the same codec under another name, left as it is, so Netty's encoder frames each
 * chunk (the write path before issue 13's change).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TunnelWriteBench {
    @Param({"framed", "netty"})
    String chunks;

    @Param({"1", "8"})
    int perFlush;

    EmbeddedChannel ch;
    HttpTunnelConnection conn;
    byte[] envelope;

    @Setup(Level.Iteration)
    public void setUp() {
        ch = new EmbeddedChannel();
        ch.pipeline().addLast(chunks.equals("framed") ? RequestHandlers.CODEC : "codec", new HttpServerCodec());
        ch.writeInbound(ch.alloc()
                .buffer()
                .writeBytes("GET /tunnel?format=sse HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        for (Object o; (o = ch.readInbound()) != null; ) {
            ReferenceCountUtil.release(o);
        }
        conn = new HttpTunnelConnection(ch, Formats.builtIn().get("sse"), null, HttpVersion.HTTP_1_1, true);
        conn.open(":\n\n".getBytes(StandardCharsets.UTF_8));
        envelope =
                "id: n1-12345\ndata: {\"id\":\"n1-12345\",\"path\":\"/bench/p0\",\"data\":{\"k\":0,\"s\":123,\"t\":4567890123}}\n\n"
                        .getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public int writeAndFlush() {
        for (int i = 0; i < perFlush; i++) {
            conn.write(envelope);
        }
        conn.flush();
        // EmbeddedChannel queues what a socket would send; drain it as the socket would.
        int n = 0;
        for (Object o; (o = ch.outboundMessages().poll()) != null; ) {
            n += o instanceof ByteBuf b ? b.readableBytes() : 1;
            ReferenceCountUtil.release(o);
        }
        return n;
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        ch.finishAndReleaseAll();
    }
}
