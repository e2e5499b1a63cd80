package io.warren.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The five scenarios. Each point runs {@code runs} times per target, alternating targets (W, N, W, N...)
 * so that background noise on a shared machine hits both alike; every run gets a fresh server.
 */
public final class Scenarios {
    /** Settings shared by every scenario. */
    public static final class Settings {
        public List<Target> targets = List.of(Target.WARREN, Target.NCHAN);
        public int runs = 3;
        public String format = "sse";
        public int perWorker = 9_000;
        public int sourceIps = 8;
        public Path jar = Path.of("warren-server/target/warren.jar");
        public List<String> serverJvm = List.of("-Xms512m", "-Xmx3g", "-XX:+UseG1GC", "-Xss512k");
        public List<String> serverOptions = List.of();
        public int nchanWorkers = 2;
        /** Generator worker JVMs: a small serial-GC heap, so the generator's GC does not take a core. */
        public List<String> workerJvm = List.of("-Xss256k", "-Xms64m", "-Xmx768m", "-XX:+UseSerialGC");

        public Path out = Path.of("warren-bench/results");
        public Path work = Path.of("warren-bench/target/bench-work");
        public long connectTimeoutMillis = 120_000;
        public long warmupMillis = 2_000;
        public long durationMillis = 10_000;
        public int batch = 1;
    }

    private final Settings s;

    public Scenarios(Settings s) {
        this.s = s;
    }

    private ServerProcess start(Target t, int keepaliveSeconds) throws IOException, InterruptedException {
        if (t == Target.NCHAN) {
            return new ServerProcess.Nchan(s.work, s.nchanWorkers, keepaliveSeconds);
        }
        List<String> opts = new ArrayList<>(s.serverOptions);
        opts.add("--keepalive=" + keepaliveSeconds + "s");
        return new ServerProcess.Warren(s.work, s.jar, s.serverJvm, opts);
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    static double load1() {
        try {
            return Double.parseDouble(loadavg().split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    public Map<String, Object> context() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("cpus", Runtime.getRuntime().availableProcessors());
        c.put("format", s.format);
        c.put("runs per target", s.runs);
        c.put("targets", s.targets.stream().map(Target::label).toList());
        c.put("warren JVM", String.join(" ", s.serverJvm));
        c.put("nchan workers", s.nchanWorkers);
        c.put("loadavg at end", loadavg());
        c.put("finished", java.time.Instant.now().toString());
        return c;
    }

    // ---- capacity ----

    /**
     * Idle SSE tunnels held at each step; heap after GC (Warren) and RSS per tunnel, next to the idle
     * server's RSS (read before the first tunnel, after a full GC) and the PSS at each step.
     */
    public Report capacity(List<Integer> steps, long holdMillis, int keepaliveSeconds) throws Exception {
        Report report = new Report(
                "capacity",
                List.of(
                        "open",
                        "disconnects",
                        "keepalives",
                        "heapMiB",
                        "heapPerTunnelB",
                        "heapSlopeB",
                        "idleRssMiB",
                        "rssMiB",
                        "rssPerTunnelB",
                        "rssSlopeB",
                        "pssMiB",
                        "connectSec",
                        "load1"),
                List.of("rssPerTunnelB", "rssSlopeB"));
        for (int run = 1; run <= s.runs; run++) {
            for (Target t : s.targets) {
                List<LoadRun> loads = new ArrayList<>();
                try (ServerProcess server = start(t, keepaliveSeconds)) {
                    long heap0 = server.heapAfterGc();
                    long rss0 = server.rssBytes();
                    String idleHistogram =
                            run == 1 && server instanceof ServerProcess.Warren w0 ? w0.classHistogram() : null;
                    long prevHeap = heap0;
                    long prevRss = rss0;
                    int have = 0;
                    for (int n : steps) {
                        long t0 = System.nanoTime();
                        LoadRun lr = new LoadRun(
                                server.port(),
                                t,
                                "sse",
                                Layout.broadcast(n),
                                have,
                                n,
                                s.perWorker,
                                s.sourceIps,
                                s.workerJvm);
                        loads.add(lr);
                        lr.awaitConnected(s.connectTimeoutMillis);
                        double connectSec = (System.nanoTime() - t0) / 1e9;
                        Thread.sleep(holdMillis);
                        int added = n - have;
                        long[] st = {0, 0, 0};
                        for (LoadRun l : loads) {
                            long[] x = l.status();
                            for (int i = 0; i < 3; i++) {
                                st[i] += x[i];
                            }
                        }
                        long heap = server.heapAfterGc();
                        long rss = server.rssBytes();
                        Map<String, Object> row = row("capacity", t, run, "tunnels=" + n);
                        row.put("tunnels", n);
                        row.put("open", st[0]);
                        row.put("disconnects", st[1]);
                        row.put("keepalives", st[2]);
                        if (heap >= 0) {
                            row.put("heapMiB", heap / 1048576.0);
                            row.put("heapPerTunnelB", (double) (heap - heap0) / n);
                            row.put("heapSlopeB", (double) (heap - prevHeap) / added);
                        }
                        row.put("idleRssMiB", rss0 / 1048576.0);
                        row.put("rssMiB", rss / 1048576.0);
                        row.put("rssPerTunnelB", (double) (rss - rss0) / n);
                        row.put("rssSlopeB", (double) (rss - prevRss) / added);
                        long pss = server.pssBytes();
                        if (pss >= 0) {
                            row.put("pssMiB", pss / 1048576.0);
                        }
                        prevHeap = heap;
                        prevRss = rss;
                        have = n;
                        row.put("connectSec", connectSec);
                        row.put("load1", load1());
                        report.add(row);
                    }
                    if (run == 1 && server instanceof ServerProcess.Warren w) {
                        // What the heap holds at the largest step, by class: where the bytes per tunnel go.
                        // The empty server's histogram subtracted, per tunnel: which classes each tunnel adds.
                        String loaded = w.classHistogram();
                        Files.createDirectories(s.out);
                        Files.writeString(
                                s.out.resolve("capacity-histogram-warren.txt"),
                                "# " + have + " idle SSE tunnels\n" + loaded);
                        Files.writeString(
                                s.out.resolve("capacity-histogram-warren-per-tunnel.txt"),
                                HistogramDiff.perTunnel(idleHistogram, loaded, have));
                    }
                } finally {
                    for (LoadRun l : loads) {
                        l.close();
                    }
                }
            }
        }
        return report;
    }

    // ---- load scenarios ----

    static List<String> loadColumns() {
        return List.of(
                "offeredPerSec",
                "deliveriesPerSec",
                "p50Ms",
                "p99Ms",
                "p999Ms",
                "maxMs",
                "cpuUsPerDelivery",
                "missing",
                "duplicates",
                "disconnects",
                "errors",
                "load1");
    }

    static List<String> loadRatios() {
        return List.of("deliveriesPerSec", "p50Ms", "p99Ms", "p999Ms", "cpuUsPerDelivery");
    }

    /** One scenario over points (layout, rate); {@code storm} drops every connection half-way. */
    public Report load(String scenario, List<Layout> layouts, List<Double> rates, boolean storm) throws Exception {
        List<String> cols = new ArrayList<>(loadColumns());
        if (storm) {
            cols.add(cols.size() - 1, "resumeMs");
            cols.add(cols.size() - 1, "notResumed");
            cols.add(cols.size() - 1, "gaps");
        }
        Report report = new Report(scenario, cols, loadRatios());
        for (Layout layout : layouts) {
            for (double rate : rates) {
                for (int run = 1; run <= s.runs; run++) {
                    for (Target t : s.targets) {
                        if (!s.format.equals("sse") && t == Target.NCHAN) {
                            continue; // nchan is measured over EventSource only
                        }
                        report.add(loadPoint(scenario, t, layout, rate, run, storm));
                    }
                }
            }
        }
        return report;
    }

    private Map<String, Object> loadPoint(String scenario, Target t, Layout layout, double rate, int run, boolean storm)
            throws Exception {
        String point = layout.kind().name().toLowerCase(Locale.ROOT) + " subs=" + layout.subscribers()
                + (layout.kind() == Layout.Kind.PATHS
                        ? " paths=" + layout.keys() + " per-sub=" + layout.perGroup()
                        : "")
                + " rate=" + fmtRate(rate) + (s.batch > 1 ? " batch=" + s.batch : "");
        Map<String, Object> row = row(scenario, t, run, point);
        try (ServerProcess server = start(t, 25);
                LoadRun lr = new LoadRun(
                        server.port(),
                        t,
                        s.format,
                        layout,
                        0,
                        layout.subscribers(),
                        s.perWorker,
                        s.sourceIps,
                        s.workerJvm);
                Publisher pub = new Publisher("127.0.0.1", server.port(), t, layout)) {
            lr.awaitConnected(s.connectTimeoutMillis);
            if (layout.kind() == Layout.Kind.DIRECT && t == Target.WARREN) {
                pub.clientPaths(lr.clientPaths());
            }
            if (s.warmupMillis > 0) {
                pub.run(rate, s.batch, TimeUnit.MILLISECONDS.toNanos(s.warmupMillis));
                lr.awaitReceived(pub.expectedDeliveries(), 3_000, 60_000);
            }
            lr.reset();
            long expected0 = pub.expectedDeliveries();
            double cpu0 = server.cpuSeconds();
            long start = Worker.micros();
            double load = load1();
            long resumeMicros = -1;
            if (storm) {
                Thread publisher = new Thread(() -> {
                    try {
                        pub.run(rate, s.batch, TimeUnit.MILLISECONDS.toNanos(s.durationMillis));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                publisher.start();
                Thread.sleep(s.durationMillis / 2);
                resumeMicros = lr.dropAndResume(s.connectTimeoutMillis);
                publisher.join();
            } else {
                pub.run(rate, s.batch, TimeUnit.MILLISECONDS.toNanos(s.durationMillis));
            }
            lr.awaitReceived(pub.expectedDeliveries(), 3_000, 120_000);
            double cpu = server.cpuSeconds() - cpu0;
            LoadRun.Totals tot = lr.finish(pub.publishedList());
            long windowDeliveries = pub.expectedDeliveries() - expected0;
            row.put("subscribers", layout.subscribers());
            row.put("rate", rate);
            putDeliveries(row, tot, pub, start, windowDeliveries, s.durationMillis, cpu);
            if (storm) {
                row.put("resumeMs", resumeMicros / 1000.0);
                row.put("notResumed", tot.notResumed);
                row.put("gaps", tot.gaps);
            }
            row.put("load1", load);
        }
        return row;
    }

    static String fmtRate(double r) {
        return r == Math.rint(r) ? String.valueOf((long) r) : String.valueOf(r);
    }

    private Map<String, Object> row(String scenario, Target t, int run, String point) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scenario", scenario);
        row.put("target", t.label());
        row.put("point", point);
        row.put("run", run);
        row.put("loadavg", loadavg());
        return row;
    }

    /**
     * The figures every load point reports, from the totals of its subscribers and its publisher over a
     * measured window that began at {@code start} (µs) and published {@code windowDeliveries}.
     */
    static void putDeliveries(
            Map<String, Object> row,
            LoadRun.Totals tot,
            Publisher pub,
            long start,
            long windowDeliveries,
            long durationMillis,
            double cpu) {
        double seconds = Math.max(1e-3, (tot.lastRecvMicros - start) / 1e6);
        row.put("published", pub.total());
        row.put("expected", pub.expectedDeliveries());
        row.put("offeredPerSec", windowDeliveries / (durationMillis / 1000.0));
        row.put("deliveriesPerSec", tot.received / seconds);
        row.put("p50Ms", tot.latency.getValueAtPercentile(50) / 1000.0);
        row.put("p99Ms", tot.latency.getValueAtPercentile(99) / 1000.0);
        row.put("p999Ms", tot.latency.getValueAtPercentile(99.9) / 1000.0);
        row.put("maxMs", tot.latency.getMaxValue() / 1000.0);
        row.put("serverCpuSec", cpu);
        row.put("cpuUsPerDelivery", tot.received == 0 ? Double.NaN : cpu * 1e6 / tot.received);
        row.put("missing", tot.missing);
        row.put("duplicates", tot.duplicates);
        row.put("disconnects", tot.disconnects);
        row.put("errors", tot.errors + pub.errors() + pub.dropped());
    }
}
