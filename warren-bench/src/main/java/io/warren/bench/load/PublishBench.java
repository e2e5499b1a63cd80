package io.warren.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The publish path as a whole request: closed-loop publishers ({@code connections} keep-alive
 * connections, each keeping {@code depth} requests in flight, pipelined when more than one) post one small
 * datagram per {@code POST /publish} as fast as the server answers, to a path with one SSE subscriber.
 * Reports acknowledged publishes per second, the server's CPU per publish (the whole request: parse,
 * route, the one delivery, the ack), the ack round trip, and that the subscriber got every acknowledged
 * datagram. Warren only: nchan's publish is a bare C handler and is compared in the broadcast scenarios.
 * In-process Netty client on one event loop.
 */
public final class PublishBench {
    private static final String PATH = "/bench/publish";
    private static final byte[] BODY =
            ("{\"path\":\"" + PATH + "\",\"data\":{\"n\":1}}").getBytes(StandardCharsets.UTF_8);

    private final Scenarios.Settings s;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    /** Round trips of the measured window, in microseconds; written on the client's one event loop. */
    private final Histogram rtt = new Histogram(60_000_000L, 3);

    private volatile boolean sending;
    private volatile boolean measuring;

    public PublishBench(Scenarios.Settings s) {
        this.s = s;
    }

    public Report run(int connections, int depth) throws Exception {
        Report report = new Report(
                "publish",
                List.of(
                        "connections",
                        "depth",
                        "publishesPerSec",
                        "cpuUsPerPublish",
                        "p50Ms",
                        "p99Ms",
                        "p999Ms",
                        "acked",
                        "missing",
                        "duplicates",
                        "errors",
                        "load1"),
                List.of());
        for (int run = 0; run < s.runs; run++) {
            report.add(once(connections, depth));
        }
        return report;
    }

    private Map<String, Object> once(int connections, int depth) throws Exception {
        opened.set(0);
        deliveries.set(0);
        acked.set(0);
        errors.set(0);
        inFlight.set(0);
        rtt.reset();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ServerProcess.Warren server = new ServerProcess.Warren(s.work, s.jar, s.serverJvm, s.serverOptions)) {
            subscribe(group, server.port());
            long deadline = System.nanoTime() + s.connectTimeoutMillis * 1_000_000;
            while (opened.get() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (opened.get() < 1) {
                throw new IllegalStateException("the subscriber's tunnel did not open");
            }
            sending = true;
            List<Channel> publishers = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                publishers.add(publisher(group, server.port(), depth));
            }
            Thread.sleep(s.warmupMillis);
            long acked0 = acked.get();
            double cpu0 = server.cpuSeconds();
            double load1 = Scenarios.load1();
            measuring = true;
            long t0 = System.nanoTime();
            Thread.sleep(s.durationMillis);
            measuring = false;
            long window = acked.get() - acked0;
            double cpu = server.cpuSeconds() - cpu0;
            double seconds = (System.nanoTime() - t0) / 1e9;
            sending = false;
            // the requests in flight are answered, and every acknowledged datagram reaches the subscriber
            long settle = System.nanoTime() + 10_000_000_000L;
            while ((inFlight.get() > 0 || deliveries.get() < acked.get()) && System.nanoTime() < settle) {
                Thread.sleep(20);
            }
            for (Channel c : publishers) {
                c.close();
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("point", "publish connections=" + connections + " depth=" + depth);
            row.put("target", "warren");
            row.put("connections", connections);
            row.put("depth", depth);
            row.put("publishesPerSec", window / seconds);
            row.put("cpuUsPerPublish", window == 0 ? -1.0 : cpu * 1e6 / window);
            synchronized (rtt) {
                row.put("p50Ms", rtt.getValueAtPercentile(50) / 1000.0);
                row.put("p99Ms", rtt.getValueAtPercentile(99) / 1000.0);
                row.put("p999Ms", rtt.getValueAtPercentile(99.9) / 1000.0);
            }
            row.put("acked", acked.get());
            row.put("missing", Math.max(0, acked.get() - deliveries.get()));
            row.put("duplicates", Math.max(0, deliveries.get() - acked.get()));
            row.put("errors", errors.get());
            row.put("load1", load1);
            return row;
        } finally {
            sending = false;
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private void subscribe(EventLoopGroup group, int port) throws InterruptedException {
        Channel c = LoopbackClient.connect(group, port, new HttpClientCodec(), new SseCounter(opened, deliveries));
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.GET, "/tunnel?format=sse&new=1&subscribe=" + PATH);
        r.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
        c.writeAndFlush(r);
    }

    private Channel publisher(EventLoopGroup group, int port, int depth) throws InterruptedException {
        ArrayDeque<Long> sent = new ArrayDeque<>(depth);
        SimpleChannelInboundHandler<FullHttpResponse> answers = new SimpleChannelInboundHandler<FullHttpResponse>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
                Long at = sent.poll();
                inFlight.decrementAndGet();
                String body = res.content().toString(StandardCharsets.UTF_8);
                if (res.status().code() == 200 && body.startsWith("[{\"ok\":true")) {
                    acked.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
                if (measuring && at != null) {
                    synchronized (rtt) {
                        rtt.recordValue(Math.min(rtt.getHighestTrackableValue(), (System.nanoTime() - at) / 1000));
                    }
                }
                if (sending) {
                    send(ctx.channel(), sent);
                    ctx.flush();
                }
            }
        };
        Channel c = LoopbackClient.connect(
                group, port, new HttpClientCodec(), new HttpObjectAggregator(64 * 1024), answers);
        c.eventLoop().execute(() -> {
            for (int i = 0; i < depth; i++) {
                send(c, sent);
            }
            c.flush();
        });
        return c;
    }

    private void send(Channel c, ArrayDeque<Long> sent) {
        ByteBuf body = Unpooled.wrappedBuffer(BODY);
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/publish", body);
        r.headers()
                .set(HttpHeaderNames.HOST, "127.0.0.1")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
        sent.add(System.nanoTime());
        inFlight.incrementAndGet();
        c.write(r, c.voidPromise());
    }

    /** The scenario's context for the report. */
    public Map<String, Object> context() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("cpus", Runtime.getRuntime().availableProcessors());
        c.put("runs", s.runs);
        c.put("warren JVM", String.join(" ", s.serverJvm));
        c.put("body", new String(BODY, StandardCharsets.UTF_8));
        c.put("client", "in-process Netty, one event loop, closed loop");
        c.put("finished", java.time.Instant.now().toString());
        return c;
    }
}
