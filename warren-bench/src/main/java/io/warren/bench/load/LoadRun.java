package io.warren.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A set of worker processes holding subscribers {@code [from, to)} against one server, driven over
 * their stdin/stdout. Subscribers are split into workers of at most {@code perWorker} (one process may
 * hold at most 20,000 open files here).
 */
public final class LoadRun implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<WorkerProcess> workers = new ArrayList<>();
    private final Layout layout;

    public LoadRun(
            int port,
            Target target,
            String format,
            Layout layout,
            int from,
            int to,
            int perWorker,
            int sourceIps,
            List<String> workerJvm)
            throws IOException {
        this.layout = layout;
        int count = Math.max(1, (to - from + perWorker - 1) / perWorker);
        for (int w = 0; w < count; w++) {
            // even slices, so that no worker is the lone bottleneck
            int a = from + (int) ((long) (to - from) * w / count);
            int b = from + (int) ((long) (to - from) * (w + 1) / count);
            workers.add(new WorkerProcess(port, target, format, layout, a, b, sourceIps, workerJvm));
        }
    }

    /** Waits until every subscriber's stream is open. */
    public void awaitConnected(long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (WorkerProcess w : workers) {
            w.connected.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        }
    }

    /** Direct layouts on Warren: the {@code /client/C} path of each subscriber (index = subscriber). */
    public String[] clientPaths() {
        String[] out = new String[layout.subscribers()];
        for (WorkerProcess w : workers) {
            w.clients.forEach((i, c) -> out[i] = "/client/" + c);
        }
        return out;
    }

    public long totalReceived() {
        long t = 0;
        for (WorkerProcess w : workers) {
            t += w.recv.get();
        }
        return t;
    }

    /** Waits until {@code expected} deliveries arrived, or nothing arrived for {@code quietMillis}. */
    public boolean awaitReceived(long expected, long quietMillis, long maxMillis) throws InterruptedException {
        long start = System.currentTimeMillis();
        long last = -1;
        long lastChange = start;
        while (System.currentTimeMillis() - start < maxMillis) {
            long now = totalReceived();
            if (now >= expected) {
                return true;
            }
            if (now != last) {
                last = now;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange > quietMillis) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    public void reset() throws Exception {
        for (WorkerProcess w : workers) {
            w.send("reset");
        }
        for (WorkerProcess w : workers) {
            w.take("reset", 10_000);
        }
    }

    /** Drops every connection at once and re-attaches; returns the microseconds until all resumed. */
    public long dropAndResume(long timeoutMillis) throws Exception {
        for (WorkerProcess w : workers) {
            w.send("drop");
        }
        long max = 0;
        for (WorkerProcess w : workers) {
            String line = w.take("resumed", timeoutMillis);
            max = Math.max(max, Long.parseLong(line.split(" ")[2]));
        }
        return max;
    }

    /** {open, disconnects, keepalives} summed over workers. */
    public long[] status() throws Exception {
        long[] sum = new long[3];
        for (WorkerProcess w : workers) {
            w.send("status");
        }
        for (WorkerProcess w : workers) {
            String[] p = w.take("status", 10_000).split(" ");
            for (int i = 0; i < 3; i++) {
                sum[i] += Long.parseLong(p[i + 1]);
            }
        }
        return sum;
    }

    /** Ends the run: every worker counts missing and duplicates against {@code published}. */
    public Totals finish(String publishedList) throws Exception {
        for (WorkerProcess w : workers) {
            w.send("end " + publishedList);
        }
        Totals t = new Totals();
        for (WorkerProcess w : workers) {
            JsonNode r = JSON.readTree(w.take("result", 30_000).substring("result ".length()));
            t.received += r.get("received").asLong();
            t.missing += r.get("missing").asLong();
            t.duplicates += r.get("duplicates").asLong();
            t.disconnects += r.get("disconnects").asLong();
            t.notResumed += r.get("notResumed").asLong();
            t.gaps += r.get("gaps").asLong();
            t.errors += r.get("errors").asLong();
            long f = r.get("firstRecvMicros").asLong();
            if (f > 0) {
                t.firstRecvMicros = t.firstRecvMicros == 0 ? f : Math.min(t.firstRecvMicros, f);
            }
            t.lastRecvMicros =
                    Math.max(t.lastRecvMicros, r.get("lastRecvMicros").asLong());
            byte[] h = Base64.getDecoder().decode(r.get("histogram").asText());
            t.latency.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(h), 0));
        }
        return t;
    }

    /** Merged worker results. Latency in microseconds. */
    public static final class Totals {
        public long received;
        public long missing;
        public long duplicates;
        public long disconnects;
        public long notResumed;
        public long gaps;
        public long errors;
        public long firstRecvMicros;
        public long lastRecvMicros;
        public final Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);

        /** Adds another run's totals (subscribers of another node): sums, earliest first, latest last. */
        public void add(Totals o) {
            received += o.received;
            missing += o.missing;
            duplicates += o.duplicates;
            disconnects += o.disconnects;
            notResumed += o.notResumed;
            gaps += o.gaps;
            errors += o.errors;
            if (o.firstRecvMicros > 0) {
                firstRecvMicros =
                        firstRecvMicros == 0 ? o.firstRecvMicros : Math.min(firstRecvMicros, o.firstRecvMicros);
            }
            lastRecvMicros = Math.max(lastRecvMicros, o.lastRecvMicros);
            latency.add(o.latency);
        }
    }

    @Override
    public void close() {
        for (WorkerProcess w : workers) {
            w.close();
        }
    }

    /** One worker JVM and a thread reading its reports. */
    private static final class WorkerProcess {
        final Process process;
        final PrintStream in;
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        final java.util.Map<Integer, String> clients = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicLong recv = new AtomicLong();
        final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        final StringBuilder errors = new StringBuilder();

        WorkerProcess(
                int port,
                Target target,
                String format,
                Layout layout,
                int from,
                int to,
                int sourceIps,
                List<String> jvm)
                throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(ServerProcess.javaBin("java"));
            cmd.addAll(jvm);
            cmd.addAll(List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    Worker.class.getName(),
                    "127.0.0.1",
                    String.valueOf(port),
                    target.label(),
                    format,
                    layout.encode(),
                    String.valueOf(from),
                    String.valueOf(to),
                    String.valueOf(sourceIps)));
            process = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread t = new Thread(this::read, "worker-" + from);
            t.setDaemon(true);
            t.start();
        }

        private void read() {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("recv ")) {
                        recv.set(Long.parseLong(line.substring(5)));
                    } else if (line.startsWith("connected ")) {
                        connected.complete(null);
                    } else if (line.startsWith("client ")) {
                        String[] p = line.split(" ");
                        clients.put(Integer.parseInt(p[1]), p[2]);
                    } else if (line.startsWith("error ")) {
                        synchronized (errors) {
                            if (errors.length() < 2000) {
                                errors.append(line).append('\n');
                            }
                        }
                    } else {
                        replies.add(line);
                    }
                }
            } catch (IOException e) {
                // process ended
            }
            connected.completeExceptionally(new IOException("worker ended before connecting:\n" + errors));
            replies.add("eof");
        }

        void send(String cmd) {
            in.println(cmd);
            in.flush();
        }

        String take(String prefix, long timeoutMillis) throws Exception {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (true) {
                String line = replies.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                if (line == null) {
                    throw new IOException("worker did not answer '" + prefix + "' in time; errors:\n" + errors);
                }
                if (line.equals("eof")) {
                    throw new IOException("worker ended; errors:\n" + errors);
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        void close() {
            in.close();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
