package io.warren.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SSE tunnels over HTTP/1.1 (one connection each) versus h2c (many streams per connection), against the
 * same Warren jar: idle heap and RSS per tunnel, then one path broadcast at a fixed rate and the
 * deliveries per second the tunnels receive. In-process Netty client on one event loop: meant for
 * thousands of tunnels, not for the 10,000s of {@code capacity}.
 */
public final class H2Bench {
    /** How the tunnels reach the server. */
    public enum Mode {
        HTTP1("http/1.1"),
        H2C("h2c");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private final Scenarios.Settings s;
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();

    public H2Bench(Scenarios.Settings s) {
        this.s = s;
    }

    /** For each run and mode: N tunnels, memory per tunnel, then {@code rate} datagrams/s for the duration. */
    public Report run(int tunnels, int streamsPerConnection, double rate) throws Exception {
        Report report = new Report(
                "h2",
                List.of(
                        "tunnels",
                        "heapPerTunnelB",
                        "rssPerTunnelB",
                        "connections",
                        "deliveriesPerSec",
                        "expectedPerSec"),
                List.of());
        for (int run = 0; run < s.runs; run++) {
            for (Mode mode : Mode.values()) {
                report.add(once(mode, tunnels, streamsPerConnection, rate));
            }
        }
        return report;
    }

    private Map<String, Object> once(Mode mode, int tunnels, int perConnection, double rate) throws Exception {
        deliveries.set(0);
        opened.set(0);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ServerProcess.Warren server = new ServerProcess.Warren(
                s.work, s.jar, s.serverJvm, concat(s.serverOptions, List.of("--keepalive=5s")))) {
            long heap0 = server.heapAfterGc();
            long rss0 = server.rssBytes();
            int connections = 0;
            String target = "/tunnel?format=sse&new=1&subscribe=/bench/all";
            if (mode == Mode.HTTP1) {
                for (int i = 0; i < tunnels; i++) {
                    http1(group, server.port(), target);
                }
                connections = tunnels;
            } else {
                for (int i = 0; i < tunnels; i += perConnection) {
                    Channel c = h2c(group, server.port());
                    connections++;
                    for (int j = i; j < Math.min(tunnels, i + perConnection); j++) {
                        stream(c, target);
                    }
                }
            }
            long deadline = System.nanoTime() + s.connectTimeoutMillis * 1_000_000;
            while (opened.get() < tunnels && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (opened.get() < tunnels) {
                throw new IllegalStateException(mode.label + ": only " + opened.get() + " of " + tunnels + " opened");
            }
            long heap = server.heapAfterGc();
            long rss = server.rssBytes();
            deliveries.set(0);
            publish(server.port(), rate, s.durationMillis);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("point", tunnels + " tunnels");
            row.put("target", mode.label);
            row.put("tunnels", tunnels);
            row.put("heapPerTunnelB", heap < 0 ? -1.0 : (double) (heap - heap0) / tunnels);
            row.put("rssPerTunnelB", (double) (rss - rss0) / tunnels);
            row.put("connections", connections);
            row.put("deliveriesPerSec", deliveries.get() * 1000.0 / s.durationMillis);
            row.put("expectedPerSec", rate * tunnels);
            return row;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private void publish(int port, double rate, long millis) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"/bench/all\",\"data\":\"x\"}"))
                .build();
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        for (long next = start; next - start < millis * 1_000_000L; next += interval) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            client.send(req, HttpResponse.BodyHandlers.discarding());
        }
        Thread.sleep(500); // the last datagrams' fan-out
    }

    private void http1(EventLoopGroup group, int port, String target) throws InterruptedException {
        Channel c = LoopbackClient.connect(group, port, new HttpClientCodec(), counter());
        c.writeAndFlush(request(target));
    }

    private Channel h2c(EventLoopGroup group, int port) throws InterruptedException {
        Channel c = LoopbackClient.connect(
                group,
                port,
                Http2FrameCodecBuilder.forClient()
                        .initialSettings(Http2Settings.defaultSettings())
                        .build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        // As browsers do: a large connection window, so that streams are limited by their own windows only.
        c.writeAndFlush(new DefaultHttp2WindowUpdateFrame(15 * 1024 * 1024)).sync();
        return c;
    }

    private void stream(Channel connection, String target) {
        Http2StreamChannel ch = new Http2StreamChannelBootstrap(connection)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel c) {
                        c.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), counter());
                    }
                })
                .open()
                .syncUninterruptibly()
                .getNow();
        ch.writeAndFlush(request(target));
    }

    private static DefaultFullHttpRequest request(String target) {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
        r.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
        return r;
    }

    private SseCounter counter() {
        return new SseCounter(opened, deliveries);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The scenario's context for the report. */
    public Map<String, Object> context(int streamsPerConnection) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("cpus", Runtime.getRuntime().availableProcessors());
        c.put("runs per mode", s.runs);
        c.put("h2c streams per connection", streamsPerConnection);
        c.put("warren JVM", String.join(" ", s.serverJvm));
        c.put("client", "in-process Netty, one event loop");
        c.put("finished", java.time.Instant.now().toString());
        c.put("work", Path.of(s.work.toString()).toString());
        return c;
    }
}
