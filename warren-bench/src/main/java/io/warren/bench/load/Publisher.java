package io.warren.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop publisher: sends {@code rate} datagrams per second for a duration, each stamped with the
 * time it was <em>scheduled</em> (not sent), so a server that falls behind shows up as latency instead of
 * slowing the generator down (no coordinated omission). Keys are published round-robin; a publish op
 * carries {@code batch} datagrams (Warren: one POST with an array; nchan: one POST each).
 *
 * <p>Requests go over a pool of keep-alive connections, one request in flight on each; when all are
 * busy a bounded backlog holds the op (its timestamp already taken) and more connections open, up to
 * {@link #MAX_CONNECTIONS}.
 *
 * <p>Given several ports (the nodes of a cluster), op {@code i} goes to node {@code i % nodes}: publishes
 * alternate between the nodes, each node with its own pool.
 */
public final class Publisher implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 64;
    private static final int MAX_BACKLOG = 200_000;

    private final String host;
    private final int[] ports;
    private final Target target;
    private final Layout layout;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final List<List<Conn>> idle = new ArrayList<>();
    private final List<ArrayDeque<FullHttpRequest>> backlog = new ArrayList<>();
    private final int[] open;
    private long ops;
    private String[] clientPaths;
    final long[] published;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private long seqCursor;

    public Publisher(String host, int port, Target target, Layout layout) {
        this(host, List.of(port), target, layout);
    }

    /** Publishes to every port in turn (op by op). */
    public Publisher(String host, List<Integer> ports, Target target, Layout layout) {
        this.host = host;
        this.ports = ports.stream().mapToInt(Integer::intValue).toArray();
        this.open = new int[this.ports.length];
        for (int n = 0; n < this.ports.length; n++) {
            idle.add(new ArrayList<>());
            backlog.add(new ArrayDeque<>());
        }
        this.target = target;
        this.layout = layout;
        this.published = new long[layout.keys()];
        boolean epoll = Epoll.isAvailable();
        this.group =
                new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.loop = (EventLoop) group.next();
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /** Direct layouts: the {@code /client/C} path of each subscriber, learnt from the workers. */
    public void clientPaths(String[] paths) {
        this.clientPaths = paths;
    }

    public long errors() {
        return errors.get();
    }

    public long dropped() {
        return dropped.get();
    }

    /** Total datagrams published (all keys). */
    public long total() {
        long t = 0;
        for (long p : published) {
            t += p;
        }
        return t;
    }

    /** Datagrams each subscriber should have got, summed. */
    public long expectedDeliveries() {
        long e = 0;
        for (int k = 0; k < published.length; k++) {
            e += published[k] * layout.audience(k);
        }
        return e;
    }

    public String publishedList() {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < published.length; k++) {
            if (k > 0) {
                sb.append(',');
            }
            sb.append(published[k]);
        }
        return sb.toString();
    }

    /**
     * Publishes {@code rate} datagrams/s for {@code durationNanos}, blocking the calling thread, which
     * does the pacing. Returns when everything was sent and answered (or 10 s after the end).
     */
    public void run(double rate, int batch, long durationNanos) throws InterruptedException {
        double opsPerSec = rate / batch;
        long interval = (long) (1e9 / opsPerSec);
        long start = System.nanoTime();
        long end = start + durationNanos;
        long i = 0;
        while (true) {
            long due = start + i * interval;
            if (due >= end) {
                break;
            }
            long now = System.nanoTime();
            if (due > now) {
                LockSupport.parkNanos(due - now);
                continue;
            }
            int node = (int) (ops++ % ports.length);
            List<FullHttpRequest> reqs = build(batch, due / 1000, ports[node]);
            loop.execute(() -> {
                for (FullHttpRequest r : reqs) {
                    send(r, node);
                }
            });
            i++;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Builds one op; the key counters advance here, on the pacing thread. */
    private List<FullHttpRequest> build(int batch, long micros, int port) {
        int keys = published.length;
        List<FullHttpRequest> out = new ArrayList<>(target == Target.NCHAN ? batch : 1);
        StringBuilder sb = target == Target.WARREN ? new StringBuilder(64 * batch).append('[') : null;
        for (int b = 0; b < batch; b++) {
            int key = (int) (seqCursor++ % keys);
            long seq = published[key]++;
            if (target == Target.NCHAN) {
                out.add(post("/pub/" + layout.nchanChannel(key), Target.data(key, seq, micros), port));
            } else {
                if (b > 0) {
                    sb.append(',');
                }
                String path = layout.kind() == Layout.Kind.DIRECT ? clientPaths[key] : layout.warrenPath(key);
                Target.warrenDatagram(sb, path, key, seq, micros);
            }
        }
        if (sb != null) {
            out.add(post("/publish", sb.append(']').toString(), port));
        }
        inFlight.addAndGet(out.size());
        return out;
    }

    private FullHttpRequest post(String uri, String body, int port) {
        ByteBuf content = Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri, content);
        req.headers()
                .set(HttpHeaderNames.HOST, host + ":" + port)
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        HttpUtil.setContentLength(req, content.readableBytes());
        return req;
    }

    // ---- event loop ----

    private void send(FullHttpRequest req, int node) {
        List<Conn> free = idle.get(node);
        if (!free.isEmpty()) {
            free.remove(free.size() - 1).send(req);
            return;
        }
        ArrayDeque<FullHttpRequest> waiting = backlog.get(node);
        if (waiting.size() >= MAX_BACKLOG) {
            req.release();
            dropped.incrementAndGet();
            inFlight.decrementAndGet();
            return;
        }
        waiting.add(req);
        if (open[node] < MAX_CONNECTIONS) {
            open[node]++;
            connect(node);
        }
    }

    private void connect(int node) {
        Conn conn = new Conn(node);
        bootstrap
                .clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), conn);
                    }
                })
                .connect(new InetSocketAddress(host, ports[node]))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        open[node]--;
                        errors.incrementAndGet();
                        return;
                    }
                    conn.channel = ((io.netty.channel.ChannelFuture) f).channel();
                    conn.free();
                });
    }

    private final class Conn extends SimpleChannelInboundHandler<FullHttpResponse> {
        final int node;
        Channel channel;

        Conn(int node) {
            this.node = node;
        }

        void send(FullHttpRequest req) {
            channel.writeAndFlush(req, channel.voidPromise());
        }

        void free() {
            FullHttpRequest next = backlog.get(node).poll();
            if (next != null) {
                send(next);
            } else {
                idle.get(node).add(this);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
            inFlight.decrementAndGet();
            int code = r.status().code();
            if (code / 100 != 2
                    || (target == Target.WARREN
                            && r.content().toString(StandardCharsets.UTF_8).contains("\"ok\":false"))) {
                errors.incrementAndGet();
            }
            free();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.get(node).remove(this);
            open[node]--;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.incrementAndGet();
            ctx.close();
        }
    }

    @Override
    public void close() {
        CountDownLatch c = new CountDownLatch(1);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(f -> c.countDown());
        try {
            c.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // try-with-resources must not be interrupted out of closing
        }
    }
}
