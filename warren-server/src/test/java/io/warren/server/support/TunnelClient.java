package io.warren.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test client for one tunnel in any built-in format, behaving as a browser client would: stream
 * formats read one long response; poll formats poll in a loop, acknowledging with {@code last}. Every
 * datagram received lands in {@link #received()} order; control datagrams ({@code /meta/...}) are kept
 * apart in {@link #controls()}.
 */
public final class TunnelClient implements AutoCloseable {
    private final int port;
    private final String format;
    private final BlockingQueue<JsonNode> datagrams = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonNode> controls = new LinkedBlockingQueue<>();
    private final List<JsonNode> all = java.util.Collections.synchronizedList(new ArrayList<>());

    @SuppressWarnings("JdkObsolete") // appended by the reading thread, read by the test: the locking is wanted
    private final StringBuffer raw = new StringBuffer();

    private volatile String tunnel;
    private volatile String client;
    private volatile String lastId;
    private volatile RawHttp current;
    private volatile boolean running = true;
    private volatile boolean ended;
    private volatile int lastStatus;
    private Thread thread;
    private Map<String, String> headers = Map.of();
    private volatile java.util.function.Consumer<JsonNode> observer;

    private TunnelClient(int port, String format) {
        this.port = port;
        this.format = format;
    }

    public static boolean isPoll(String format) {
        return format.equals("longpoll") || format.equals("jsonp");
    }

    /** Opens a new tunnel ({@code new=1}) with the given extra query, e.g. {@code "subscribe=/a/*"}. */
    public static TunnelClient open(int port, String format, String... query) {
        TunnelClient c = new TunnelClient(port, format);
        c.start(c.target(true, null, query));
        return c;
    }

    /** Opens a new tunnel sending {@code headers} (Authorization, Cookie, Origin...) with every request. */
    public static TunnelClient open(int port, String format, Map<String, String> headers, String... query) {
        TunnelClient c = new TunnelClient(port, format);
        c.headers = Map.copyOf(headers);
        c.start(c.target(true, null, query));
        return c;
    }

    /** Attaches to an existing tunnel id, sending {@code headers} with every request. */
    public static TunnelClient attach(
            int port, String format, Map<String, String> headers, String tunnel, String last, String... query) {
        TunnelClient c = new TunnelClient(port, format);
        c.headers = Map.copyOf(headers);
        c.tunnel = tunnel;
        c.lastId = last;
        c.start(c.target(false, last, query));
        return c;
    }

    /** Attaches to an existing tunnel id (re-attach or replacement), with {@code last} when given. */
    public static TunnelClient attach(int port, String format, String tunnel, String last, String... query) {
        TunnelClient c = new TunnelClient(port, format);
        c.tunnel = tunnel;
        c.lastId = last;
        c.start(c.target(false, last, query));
        return c;
    }

    private String target(boolean fresh, String last, String... query) {
        StringBuilder t = new StringBuilder("/tunnel?format=").append(format);
        if (fresh) {
            t.append("&new=1");
        } else {
            t.append("&tunnel=").append(tunnel);
            if (last != null) {
                t.append("&last=").append(enc(last));
            }
        }
        if (format.equals("jsonp")) {
            t.append("&callback=cb");
        }
        for (String q : query) {
            t.append('&').append(q);
        }
        return t.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void start(String firstTarget) {
        thread = new Thread(() -> run(firstTarget), "tunnel-client-" + format);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String firstTarget) {
        try {
            if (isPoll(format)) {
                String target = firstTarget;
                while (running) {
                    pollOnce(target);
                    if (lastStatus != 200) {
                        break;
                    }
                    target = target(false, lastId);
                }
            } else {
                stream(firstTarget);
            }
        } catch (IOException | UncheckedIOException e) {
            // the connection was dropped (by the test or the server)
        } finally {
            ended = true;
        }
    }

    /** Sends the request, makes it droppable at once, then waits for the answer's head. */
    private RawHttp connect(String target) throws IOException {
        RawHttp h = RawHttp.send(port, "GET", target, headers, null);
        current = h;
        if (!running) {
            h.close();
        }
        h.readHead();
        return h;
    }

    private void stream(String target) throws IOException {
        RawHttp h = connect(target);
        lastStatus = h.status();
        if (h.status() != 200) {
            accept(List.of(WireDecoder.parse(h.body())));
            return;
        }
        WireDecoder decoder = WireDecoder.forFormat(format);
        byte[] buf = new byte[8192];
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        java.nio.ByteBuffer pending = java.nio.ByteBuffer.allocate(1 << 20);
        int n;
        while (running && (n = h.read(buf)) != -1) {
            pending.put(buf, 0, n).flip();
            java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(pending.remaining() + 1);
            utf8.decode(pending, chars, false);
            pending.compact();
            chars.flip();
            String text = chars.toString();
            raw.append(text);
            accept(decoder.feed(text));
        }
    }

    private void pollOnce(String target) throws IOException {
        RawHttp h = connect(target);
        lastStatus = h.status();
        String body = h.body();
        raw.append(body);
        h.close();
        if (h.status() != 200) {
            accept(List.of(WireDecoder.parse(body)));
            return;
        }
        accept(((WireDecoder.JsonArray) WireDecoder.forFormat(format)).whole(body));
    }

    private void accept(List<JsonNode> items) {
        for (JsonNode d : items) {
            all.add(d);
            String path = d.path("path").asText("");
            if (d.has("error")) {
                controls.add(d);
            } else if (path.startsWith("/meta/")) {
                if (d.hasNonNull("id")) {
                    lastId = d.get("id").asText(); // /meta/unsubscribed: acknowledged like any datagram
                }
                if (path.equals("/meta/open")) {
                    tunnel = d.path("data").path("tunnel").asText();
                    client = d.path("data").path("client").asText();
                }
                controls.add(d);
            } else {
                if (d.hasNonNull("id")) {
                    lastId = d.get("id").asText();
                }
                java.util.function.Consumer<JsonNode> o = observer;
                if (o != null) {
                    o.accept(d);
                }
                datagrams.add(d);
            }
        }
    }

    /** Calls {@code o} on the client's thread as each ordinary datagram arrives (for timing), before it is queued. */
    public void observe(java.util.function.Consumer<JsonNode> o) {
        this.observer = o;
    }

    /** The next control datagram (or error answer), waiting up to {@code timeout}. */
    public JsonNode nextControl(Duration timeout) {
        return take(controls, timeout, "control datagram");
    }

    /** Waits for the next control datagram on {@code path}, skipping others (keepalives). */
    public JsonNode awaitControl(String path, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode c = take(controls, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())), path);
            if (c.path("path").asText().equals(path)) {
                return c;
            }
        }
    }

    /** The open datagram's {@code data}. */
    public JsonNode awaitOpen() {
        return awaitControl("/meta/open", Duration.ofSeconds(10)).get("data");
    }

    /** The next {@code n} ordinary datagrams, in arrival order. */
    public List<JsonNode> await(int n, Duration timeout) {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n) {
            out.add(take(
                    datagrams,
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())),
                    (n - out.size()) + " more datagrams"));
        }
        return out;
    }

    public JsonNode next() {
        return await(1, Duration.ofSeconds(10)).get(0);
    }

    /** Ordinary datagrams received but not yet taken. */
    public List<JsonNode> pending() {
        return new ArrayList<>(datagrams);
    }

    /** Everything received so far, controls included, in order. */
    public List<JsonNode> received() {
        synchronized (all) {
            return new ArrayList<>(all);
        }
    }

    /** All body text received so far (every poll answer, or the stream), as sent by the server. */
    public String rawText() {
        return raw.toString();
    }

    public BlockingQueue<JsonNode> controls() {
        return controls;
    }

    private static JsonNode take(BlockingQueue<JsonNode> q, Duration timeout, String what) {
        try {
            JsonNode d = q.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (d == null) {
                throw new AssertionError("timed out waiting for " + what);
            }
            return d;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String tunnel() {
        return tunnel;
    }

    public String client() {
        return client;
    }

    public String lastId() {
        return lastId;
    }

    public int lastStatus() {
        return lastStatus;
    }

    /** Whether the connection (stream) or the poll loop ended. */
    public boolean ended() {
        return ended;
    }

    /** Drops the connection abruptly and stops polling; the tunnel stays on the server. */
    public void drop() {
        running = false;
        RawHttp h = current;
        if (h != null) {
            h.close();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        drop();
    }

    /** The query-string form of a map, for convenience. */
    public static String query(Map<String, String> q) {
        StringBuilder sb = new StringBuilder();
        q.forEach((k, v) ->
                sb.append(sb.length() > 0 ? "&" : "").append(k).append('=').append(enc(v)));
        return sb.toString();
    }
}
