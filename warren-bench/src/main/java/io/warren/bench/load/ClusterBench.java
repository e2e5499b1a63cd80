package io.warren.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two Warren nodes sharing one real redis-server against one node alone, alternating run by run (cluster,
 * single, cluster, ...) so that background noise hits both alike. In the cluster the subscribers are split
 * between the nodes (the first half on node A, the second on node B) and publishes alternate between them,
 * so half of all deliveries cross nodes through Redis; the single node gets the same subscribers and the
 * same publishes. Every run gets fresh servers (and a fresh Redis).
 */
public final class ClusterBench {
    public static final String CLUSTER = "cluster";
    public static final String SINGLE = "single";

    private final Scenarios.Settings s;
    private final String redisServer;

    public ClusterBench(Scenarios.Settings s, String redisServer) {
        this.s = s;
        this.redisServer = redisServer;
    }

    public Report run(String name, Layout layout, List<Double> rates) throws Exception {
        List<String> cols = new ArrayList<>(Scenarios.loadColumns());
        cols.add(cols.size() - 1, "nodes");
        Report report = new Report(name, cols, Scenarios.loadRatios(), CLUSTER, SINGLE);
        for (double rate : rates) {
            for (int run = 1; run <= s.runs; run++) {
                report.add(point(name, CLUSTER, layout, rate, run));
                report.add(point(name, SINGLE, layout, rate, run));
            }
        }
        return report;
    }

    /** The context of the report, with the cross-node p99 overhead (cluster minus single, medians) per point. */
    public Map<String, Object> context(Scenarios sc, Report r) {
        Map<String, Object> c = sc.context();
        c.remove("nchan workers");
        c.put("targets", List.of(CLUSTER + " (2 nodes + redis-server)", SINGLE + " (1 node, no Redis)"));
        List<String> overhead = new ArrayList<>();
        r.medians().forEach((point, byTarget) -> {
            Map<String, Double> cl = byTarget.get(CLUSTER);
            Map<String, Double> one = byTarget.get(SINGLE);
            if (cl != null && one != null && cl.get("p99Ms") != null && one.get("p99Ms") != null) {
                overhead.add(point + ": " + Report.fmt(cl.get("p99Ms") - one.get("p99Ms")) + " ms");
            }
        });
        c.put("cross-node p99 overhead (cluster p99 - single p99, medians)", String.join("; ", overhead));
        return c;
    }

    private Map<String, Object> point(String scenario, String mode, Layout layout, double rate, int run)
            throws Exception {
        String point = "subs=" + layout.subscribers() + " paths=" + layout.keys() + " rate=" + Scenarios.fmtRate(rate)
                + (s.format.equals("sse") ? "" : " format=" + s.format);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scenario", scenario);
        row.put("target", mode);
        row.put("point", point);
        row.put("run", run);
        row.put("loadavg", Scenarios.loadavg());
        List<AutoCloseable> open = new ArrayList<>();
        try {
            List<ServerProcess> servers = new ArrayList<>();
            List<String> opts = new ArrayList<>(s.serverOptions);
            opts.add("--keepalive=25s");
            int nodes = 1;
            if (mode.equals(CLUSTER)) {
                ServerProcess.Redis redis = new ServerProcess.Redis(s.work, redisServer);
                open.add(redis);
                servers.add(redis);
                opts.add("--redis=" + redis.uri());
                nodes = 2;
            }
            List<Integer> ports = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                ServerProcess.Warren w = new ServerProcess.Warren(s.work, s.jar, s.serverJvm, opts);
                open.add(w);
                servers.add(w);
                ports.add(w.port());
            }
            List<LoadRun> loads = new ArrayList<>();
            int subs = layout.subscribers();
            for (int n = 0; n < nodes; n++) {
                LoadRun lr = new LoadRun(
                        ports.get(n),
                        Target.WARREN,
                        s.format,
                        layout,
                        subs * n / nodes,
                        subs * (n + 1) / nodes,
                        s.perWorker,
                        s.sourceIps,
                        s.workerJvm);
                open.add(lr);
                loads.add(lr);
            }
            Publisher pub = new Publisher("127.0.0.1", ports, Target.WARREN, layout);
            open.add(pub);
            for (LoadRun lr : loads) {
                lr.awaitConnected(s.connectTimeoutMillis);
            }
            if (s.warmupMillis > 0) {
                pub.run(rate, s.batch, TimeUnit.MILLISECONDS.toNanos(s.warmupMillis));
                awaitReceived(loads, pub.expectedDeliveries(), 3_000, 60_000);
            }
            for (LoadRun lr : loads) {
                lr.reset();
            }
            long expected0 = pub.expectedDeliveries();
            double cpu0 = cpu(servers);
            long start = Worker.micros();
            double load = Scenarios.load1();
            pub.run(rate, s.batch, TimeUnit.MILLISECONDS.toNanos(s.durationMillis));
            awaitReceived(loads, pub.expectedDeliveries(), 3_000, 120_000);
            double cpu = cpu(servers) - cpu0;
            LoadRun.Totals tot = new LoadRun.Totals();
            for (LoadRun lr : loads) {
                tot.add(lr.finish(pub.publishedList()));
            }
            long windowDeliveries = pub.expectedDeliveries() - expected0;
            row.put("subscribers", subs);
            row.put("rate", rate);
            Scenarios.putDeliveries(row, tot, pub, start, windowDeliveries, s.durationMillis, cpu);
            row.put("nodes", nodes);
            row.put("load1", load);
        } finally {
            // generator first, then the nodes, Redis last
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
        return row;
    }

    /** CPU seconds of every server process of the run: the nodes and, in the cluster, Redis. */
    private static double cpu(List<ServerProcess> servers) {
        double c = 0;
        for (ServerProcess p : servers) {
            c += p.cpuSeconds();
        }
        return c;
    }

    private static void awaitReceived(List<LoadRun> loads, long expected, long quietMillis, long maxMillis)
            throws InterruptedException {
        long start = System.currentTimeMillis();
        long last = -1;
        long lastChange = start;
        while (System.currentTimeMillis() - start < maxMillis) {
            long now = 0;
            for (LoadRun lr : loads) {
                now += lr.totalReceived();
            }
            if (now >= expected) {
                return;
            }
            if (now != last) {
                last = now;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange > quietMillis) {
                return;
            }
            Thread.sleep(50);
        }
    }
}
