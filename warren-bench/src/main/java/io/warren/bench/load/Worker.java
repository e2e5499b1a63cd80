package io.warren.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One load-generator process: holds subscribers {@code [from, to)} on one epoll event loop and talks to
 * the coordinator over stdin/stdout, one command or report per line. A process may hold at most 20,000
 * open files here, so the coordinator starts several workers for large runs; source addresses rotate
 * over 127.0.0.2..127.0.0.(1+sourceIps) so that more connections than one address's ephemeral ports fit.
 * A subscriber reads an HTTP stream ({@code sse}, {@code stream}), polls ({@code longpoll}), or holds a
 * WebSocket ({@code ws}, Warren only: each text message is one datagram).
 *
 * <p>Reports: {@code connected N}, {@code client I C} (direct layouts), {@code recv TOTAL} (every 200 ms),
 * {@code resumed N MICROS} (after {@code drop}), {@code status OPEN DISCONNECTS KEEPALIVES},
 * {@code result JSON}. Commands: {@code drop}, {@code status}, {@code end P0,P1,...} (published per key).
 */
public final class Worker {
    /** Connects in flight at once: a burst of 19k SYNs would overflow the accept backlog. */
    private static final int MAX_CONNECTING = 256;

    private final String host;
    private final int port;
    private final Target target;
    private final String format;
    private final Layout layout;
    private final int sourceIps;
    private final PrintStream out;
    private final Subscriber[] subs;
    private final Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
    private final boolean poll;
    private final boolean sse;
    private final boolean ws;

    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private Bootstrap bootstrap;
    private final ArrayDeque<Subscriber> toConnect = new ArrayDeque<>();
    private int connecting;
    private int readyCount;
    private boolean reportedConnected;
    private long received; // in the measured window (since reset)
    private long totalReceived; // since start, for the coordinator's drain check
    private long firstRecvMicros;
    private long lastRecvMicros;
    private long disconnects;
    private long notResumed;
    private long gaps;
    private long httpErrors;
    private boolean storming;
    private long dropMicros;

    Worker(
            String host,
            int port,
            Target target,
            String format,
            Layout layout,
            int from,
            int to,
            int sourceIps,
            PrintStream out) {
        this.host = host;
        this.port = port;
        this.target = target;
        this.format = format;
        this.layout = layout;
        this.sourceIps = Math.max(1, sourceIps);
        this.out = out;
        this.subs = new Subscriber[to - from];
        for (int i = from; i < to; i++) {
            subs[i - from] = new Subscriber(i, layout.firstKey(i), layout.keyCount(i));
        }
        this.poll = format.equals("longpoll");
        this.sse = format.equals("sse");
        this.ws = format.equals("ws");
        if (ws && target != Target.WARREN) {
            throw new IllegalArgumentException("format ws is Warren's; nchan is measured over EventSource");
        }
    }

    /** {@code worker HOST PORT TARGET FORMAT LAYOUT FROM TO SOURCE_IPS}. */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(
                new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        Worker w = new Worker(
                args[0],
                Integer.parseInt(args[1]),
                Target.parse(args[2]),
                args[3],
                Layout.parse(args[4]),
                Integer.parseInt(args[5]),
                Integer.parseInt(args[6]),
                Integer.parseInt(args[7]),
                out);
        w.run();
    }

    static long micros() {
        return System.nanoTime() / 1000;
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    void run() throws Exception {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        loop = (EventLoop) group.next();
        bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .option(ChannelOption.SO_RCVBUF, 16 * 1024);
        if (epoll) {
            // Pick the source port at connect time, per destination, so each source address has its own range.
            bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            for (Subscriber s : subs) {
                toConnect.add(s);
            }
            pump();
        });
        loop.scheduleAtFixedRate(() -> say("recv " + totalReceived), 200, 200, TimeUnit.MILLISECONDS);

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String cmd = line.trim();
            if (cmd.equals("drop")) {
                loop.execute(this::drop);
            } else if (cmd.equals("reset")) {
                loop.execute(this::reset);
            } else if (cmd.equals("status")) {
                loop.execute(this::status);
            } else if (cmd.startsWith("end")) {
                String list = cmd.length() > 4 ? cmd.substring(4) : "";
                loop.execute(() -> {
                    finish(list);
                    done.countDown();
                });
                done.await(30, TimeUnit.SECONDS);
                break;
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        out.flush();
        System.exit(0);
    }

    // ---- connecting (event loop) ----

    private void pump() {
        while (connecting < MAX_CONNECTING && !toConnect.isEmpty()) {
            Subscriber s = toConnect.poll();
            connecting++;
            connect(s);
        }
    }

    private void connect(Subscriber s) {
        String src = "127.0.0." + (2 + s.index % sourceIps);
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(4096, 8192, 65536));
                if (ws) {
                    // The handshake starts when the channel is active; the codec and aggregator give way
                    // to the WebSocket frame decoder once it succeeds. Pings are answered by the handler.
                    String uri = "ws://" + host + ":" + port
                            + target.subscribeUri(layout, s.index, format, s.tunnel, s.lastId);
                    WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                            .webSocketUri(java.net.URI.create(uri))
                            .maxFramePayloadLength(65536)
                            .handshakeTimeoutMillis(30_000)
                            .build();
                    ch.pipeline()
                            .addLast(new HttpObjectAggregator(8192))
                            .addLast(new WebSocketClientProtocolHandler(config))
                            .addLast(new WsHandler(s));
                    return;
                }
                if (poll) {
                    ch.pipeline().addLast(new HttpObjectAggregator(4 * 1024 * 1024));
                }
                ch.pipeline().addLast(new Handler(s));
            }
        });
        ChannelFuture f = b.connect(new InetSocketAddress(host, port), new InetSocketAddress(src, 0));
        s.channel = f.channel();
        f.addListener(r -> {
            if (!r.isSuccess()) {
                httpErrors++;
                say("error connect " + src + ": " + r.cause());
                connecting--;
                // Try again later rather than losing the subscriber.
                loop.schedule(
                        () -> {
                            toConnect.add(s);
                            pump();
                        },
                        500,
                        TimeUnit.MILLISECONDS);
                return;
            }
            if (!ws) {
                request(f.channel(), s);
            }
        });
    }

    private void request(Channel ch, Subscriber s) {
        String uri = target.subscribeUri(layout, s.index, format, s.tunnel, s.lastId);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        req.headers().set(HttpHeaderNames.HOST, host + ":" + port);
        if (target == Target.NCHAN) {
            req.headers().set(HttpHeaderNames.ACCEPT, "text/event-stream");
            if (s.lastId != null) {
                req.headers().set("Last-Event-ID", s.lastId);
            }
        }
        ch.writeAndFlush(req, ch.voidPromise());
    }

    /** The subscriber's stream is open (Warren: open datagram seen; nchan: 200 headers). */
    private void ready(Subscriber s) {
        if (s.ready) {
            return;
        }
        s.ready = true;
        readyCount++;
        connecting--;
        if (storming) {
            if (target == Target.WARREN) {
                if (!s.resumedFlag) {
                    notResumed++;
                }
                if (s.gapFlag) {
                    gaps++;
                }
            }
            if (readyCount == subs.length) {
                storming = false;
                say("resumed " + readyCount + " " + (micros() - dropMicros));
            }
        } else if (!reportedConnected && readyCount == subs.length) {
            reportedConnected = true;
            if (layout.kind() == Layout.Kind.DIRECT && target == Target.WARREN) {
                for (Subscriber x : subs) {
                    say("client " + x.index + " " + x.client);
                }
            }
            say("connected " + readyCount);
        }
        pump();
    }

    private void lost(Subscriber s, Channel ch) {
        if (s.channel != ch) {
            return;
        }
        if (s.ready) {
            s.ready = false;
            readyCount--;
        } else {
            connecting--;
        }
        if (!storming) {
            disconnects++;
        }
        s.channel = null;
        // Like a browser: come back, resuming where it left off.
        toConnect.add(s);
        pump();
    }

    private void drop() {
        storming = true;
        dropMicros = micros();
        for (Subscriber s : subs) {
            Channel ch = s.channel;
            if (ch != null) {
                ch.close(); // lost() queues the re-attach
            }
        }
    }

    /** Starts the measured window: latency and throughput count from here; loss counting goes on. */
    private void reset() {
        latency.reset();
        received = 0;
        firstRecvMicros = 0;
        lastRecvMicros = 0;
        say("reset");
    }

    private void status() {
        long keepalives = 0;
        int open = 0;
        for (Subscriber s : subs) {
            keepalives += s.keepalives;
            if (s.ready && s.channel != null && s.channel.isActive()) {
                open++;
            }
        }
        say("status " + open + " " + disconnects + " " + keepalives);
    }

    private void finish(String list) {
        long[] published = new long[layout.keys()];
        if (!list.isEmpty()) {
            String[] p = list.split(",");
            for (int i = 0; i < p.length && i < published.length; i++) {
                published[i] = Long.parseLong(p[i]);
            }
        }
        long missing = 0;
        long dups = 0;
        for (Subscriber s : subs) {
            missing += s.missing(published);
            dups += s.duplicates;
        }
        ByteBuffer buf = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        int n = latency.encodeIntoCompressedByteBuffer(buf);
        String hist = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
        say("result {\"subscribers\":" + subs.length + ",\"received\":" + received + ",\"missing\":" + missing
                + ",\"duplicates\":" + dups + ",\"disconnects\":" + disconnects + ",\"notResumed\":" + notResumed
                + ",\"gaps\":" + gaps + ",\"errors\":" + httpErrors + ",\"firstRecvMicros\":" + firstRecvMicros
                + ",\"lastRecvMicros\":" + lastRecvMicros + ",\"histogram\":\"" + hist + "\"}");
        for (Subscriber s : subs) {
            if (s.channel != null) {
                s.channel.close();
            }
        }
    }

    // ---- parsing (event loop) ----

    private void segment(Subscriber s, byte[] b, int from, int end) {
        if (ws && Scan.indexOf(b, from, end, Scan.KEEPALIVE) >= 0) {
            s.keepalives++;
            return;
        }
        if (Scan.indexOf(b, from, end, Scan.OPEN) >= 0) {
            int t = Scan.indexOf(b, from, end, Scan.TUNNEL);
            if (t >= 0) {
                s.tunnel = Scan.stringAt(b, t + Scan.TUNNEL.length, end);
            }
            int c = Scan.indexOf(b, from, end, Scan.CLIENT);
            if (c >= 0) {
                s.client = Scan.stringAt(b, c + Scan.CLIENT.length, end);
            }
            s.resumedFlag = Scan.indexOf(b, from, end, Scan.RESUMED) >= 0;
            s.gapFlag = Scan.indexOf(b, from, end, Scan.GAP) >= 0;
            if (!poll) {
                ready(s);
            }
        }
        if (sse) {
            if (Scan.startsWith(b, from, end, Scan.SSE_ID)) {
                s.lastId = new String(
                                b, from + Scan.SSE_ID.length, end - from - Scan.SSE_ID.length, StandardCharsets.UTF_8)
                        .trim();
                return;
            }
            if (end > from && b[from] == ':') {
                s.keepalives++;
                return;
            }
        } else {
            int i = from;
            int last = -1;
            while ((i = Scan.indexOf(b, i, end, Scan.ID)) >= 0) {
                last = i;
                i += Scan.ID.length;
            }
            if (last >= 0) {
                s.lastId = Scan.stringAt(b, last + Scan.ID.length, end);
            }
        }
        int[] pos = new int[1];
        int i = from;
        while ((i = Scan.indexOf(b, i, end, Scan.DATA)) >= 0) {
            pos[0] = i + Scan.DATA.length;
            long k = Scan.number(b, pos, end);
            if (k < 0 || !Scan.startsWith(b, pos[0], end, Scan.SEQ)) {
                i = pos[0];
                continue;
            }
            pos[0] += Scan.SEQ.length;
            long seq = Scan.number(b, pos, end);
            if (seq < 0 || !Scan.startsWith(b, pos[0], end, Scan.TIME)) {
                i = pos[0];
                continue;
            }
            pos[0] += Scan.TIME.length;
            long t = Scan.number(b, pos, end);
            i = pos[0];
            if (t < 0) {
                continue;
            }
            if (s.accept((int) k, seq)) {
                long now = micros();
                latency.recordValue(Math.min(Math.max(0, now - t), latency.getHighestTrackableValue()));
                received++;
                totalReceived++;
                if (firstRecvMicros == 0) {
                    firstRecvMicros = now;
                }
                lastRecvMicros = now;
            }
        }
    }

    /** One WebSocket of one subscriber: each text message is one datagram's JSON (docs/protocol.md). */
    private final class WsHandler extends ChannelInboundHandlerAdapter {
        private final Subscriber s;
        private byte[] buf = new byte[512];

        WsHandler(Subscriber s) {
            this.s = s;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof TextWebSocketFrame f) {
                    ByteBuf c = f.content();
                    int n = c.readableBytes();
                    if (n > buf.length) {
                        buf = new byte[Math.max(n, buf.length * 2)];
                    }
                    c.getBytes(c.readerIndex(), buf, 0, n);
                    segment(s, buf, 0, n);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost(s, ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof WebSocketHandshakeException) {
                httpErrors++;
                say("error ws handshake: " + cause.getMessage());
            }
            ctx.close();
        }
    }

    /** One connection of one subscriber: splits the stream into lines (a poll answer is one segment). */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final Subscriber s;
        private byte[] line = new byte[512];
        private int len;
        private boolean ok;

        Handler(Subscriber s) {
            this.s = s;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FullHttpResponse r) {
                    // Long-poll answer: one JSON array; then poll again on the same socket.
                    if (r.status().code() != 200) {
                        httpErrors++;
                        say("error HTTP " + r.status() + " " + r.content().toString(StandardCharsets.UTF_8));
                        ctx.close();
                        return;
                    }
                    ByteBuf c = r.content();
                    byte[] b = new byte[c.readableBytes()];
                    c.getBytes(c.readerIndex(), b);
                    segment(s, b, 0, b.length);
                    ready(s);
                    request(ctx.channel(), s);
                    return;
                }
                if (msg instanceof HttpResponse r) {
                    ok = r.status().code() == 200;
                    if (!ok) {
                        httpErrors++;
                        say("error HTTP " + r.status());
                    } else if (target == Target.NCHAN) {
                        ready(s);
                    }
                }
                if (msg instanceof HttpContent c && ok) {
                    feed(c.content());
                    if (c instanceof LastHttpContent) {
                        ctx.close(); // the server ended the stream (close datagram, shutdown, slow)
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void feed(ByteBuf buf) {
            int i = buf.readerIndex();
            int end = buf.writerIndex();
            while (i < end) {
                int nl = buf.indexOf(i, end, (byte) '\n');
                int stop = nl < 0 ? end : nl;
                int n = stop - i;
                if (len + n > line.length) {
                    if (len + n <= 1 << 16) {
                        line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, len + n));
                    } else {
                        n = Math.max(0, line.length - len); // an absurd line: keep its head only
                    }
                }
                buf.getBytes(i, line, len, n);
                len += n;
                if (nl < 0) {
                    break;
                }
                segment(s, line, 0, len);
                len = 0;
                i = nl + 1;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost(s, ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
