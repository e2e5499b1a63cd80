package io.warren.bench;

import io.warren.bench.load.ClusterBench;
import io.warren.bench.load.H2Bench;
import io.warren.bench.load.LauncherJvm;
import io.warren.bench.load.Layout;
import io.warren.bench.load.Plot;
import io.warren.bench.load.PublishBench;
import io.warren.bench.load.Report;
import io.warren.bench.load.Scenarios;
import io.warren.bench.load.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code warren-bench SCENARIO [options]}: runs one scenario against Warren and nchan, alternating, and
 * writes {@code results/SCENARIO.json} and {@code .md}. {@code warren-bench jmh} runs the JMH suite.
 */
@Command(
        name = "warren-bench",
        mixinStandardHelpOptions = true,
        description = "Load generator and benchmark scenarios for Warren (and nchan side by side).",
        subcommands = {
            Main.Capacity.class,
            Main.Broadcast.class,
            Main.Paths.class,
            Main.Direct.class,
            Main.Reconnect.class,
            Main.H2.class,
            Main.Cluster.class,
            Main.Publish.class,
            Main.PlotCmd.class,
            Main.Jmh.class
        })
public final class Main {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            // JMH parses its own options
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(new CommandLine(new Main()).execute(args));
    }

    static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
    }

    static List<Double> doubles(String csv) {
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .map(Double::parseDouble)
                .toList();
    }

    /** Options every scenario takes. */
    static final class Common {
        @Option(
                names = "--targets",
                defaultValue = "warren,nchan",
                description = "warren, nchan or both (alternating).")
        String targets;

        @Option(names = "--runs", defaultValue = "3", description = "Runs per target and point (medians are reported).")
        int runs;

        @Option(
                names = "--format",
                defaultValue = "sse",
                description = "Warren format: sse, stream, longpoll or ws (nchan: sse only).")
        String format;

        @Option(names = "--duration", defaultValue = "10", description = "Measured seconds of publishing per run.")
        double duration;

        @Option(
                names = "--warmup",
                defaultValue = "3",
                description = "Seconds of publishing before the measured window.")
        double warmup;

        @Option(
                names = "--batch",
                defaultValue = "1",
                description = "Datagrams per publish request (Warren: one POST; nchan: that many POSTs at once).")
        int batch;

        @Option(
                names = "--per-worker",
                defaultValue = "9000",
                description = "Subscribers per generator process (one process may hold at most 20,000 files).")
        int perWorker;

        @Option(
                names = "--source-ips",
                defaultValue = "8",
                description = "Source addresses 127.0.0.2 .. 127.0.0.(1+N).")
        int sourceIps;

        @Option(
                names = "--jar",
                defaultValue = "warren-server/target/warren.jar",
                description = "The Warren server jar.")
        Path jar;

        @Option(
                names = "--server-jvm",
                defaultValue = "-Xms512m -Xmx3g -XX:+UseG1GC -Xss512k",
                description = "JVM options of the Warren server; 'launcher' = the defaults of ./warren"
                        + " (its WARREN_JAVA_OPTS default), as users get them.")
        String serverJvm;

        @Option(
                names = "--server-opt",
                description = "Extra Warren server option (repeatable), e.g. --server-opt=--threads=2.")
        List<String> serverOpts = new ArrayList<>();

        @Option(names = "--nchan-workers", defaultValue = "2", description = "nginx worker processes.")
        int nchanWorkers;

        @Option(
                names = "--out",
                defaultValue = "warren-bench/results",
                description = "Directory for SCENARIO.json and .md.")
        Path out;

        Scenarios.Settings settings() throws java.io.IOException {
            Scenarios.Settings s = new Scenarios.Settings();
            s.targets = Arrays.stream(targets.split(",")).map(Target::parse).toList();
            s.runs = runs;
            s.format = format;
            s.durationMillis = (long) (duration * 1000);
            s.warmupMillis = (long) (warmup * 1000);
            s.batch = batch;
            s.perWorker = perWorker;
            s.sourceIps = sourceIps;
            s.jar = jar;
            s.serverJvm = serverJvm.trim().equals(LauncherJvm.NAME)
                    ? LauncherJvm.options(Path.of("warren"))
                    : Arrays.asList(serverJvm.trim().split("\\s+"));
            s.serverOptions = serverOpts;
            s.nchanWorkers = nchanWorkers;
            s.out = out;
            s.work = Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "warren-bench-" + ProcessHandle.current().pid());
            return s;
        }

        int finish(Scenarios sc, Report r) throws Exception {
            r.write(out, sc.context());
            return 0;
        }
    }

    @Command(name = "capacity", description = "Hold N idle SSE tunnels (steps); heap after GC and RSS per tunnel.")
    static final class Capacity implements Callable<Integer> {
        @Mixin
        Common c;

        @Option(names = "--tunnels", defaultValue = "1000,5000,10000,19000")
        String tunnels;

        @Option(names = "--hold", defaultValue = "8", description = "Seconds to hold each step (keepalives flow).")
        double hold;

        @Option(names = "--keepalive", defaultValue = "5", description = "Keepalive interval, seconds.")
        int keepalive;

        @Override
        public Integer call() throws Exception {
            Scenarios sc = new Scenarios(c.settings());
            return c.finish(sc, sc.capacity(ints(tunnels), (long) (hold * 1000), keepalive));
        }
    }

    @Command(name = "broadcast", description = "One path, N subscribers, R datagrams/s: deliveries/s and latency.")
    static final class Broadcast implements Callable<Integer> {
        @Mixin
        Common c;

        @Option(names = "--subscribers", defaultValue = "100,1000,10000")
        String subscribers;

        @Option(
                names = "--rates",
                defaultValue = "100",
                description = "Datagrams/s published (each reaches every subscriber).")
        String rates;

        @Option(names = "--name", defaultValue = "broadcast", description = "Result file name.")
        String name;

        @Override
        public Integer call() throws Exception {
            Scenarios sc = new Scenarios(c.settings());
            List<Layout> layouts =
                    ints(subscribers).stream().map(Layout::broadcast).toList();
            return c.finish(sc, sc.load(name, layouts, doubles(rates), false));
        }
    }

    @Command(name = "paths", description = "N tunnels over P paths, each tunnel with a wildcard over 10 paths.")
    static final class Paths implements Callable<Integer> {
        @Mixin
        Common c;

        @Option(names = "--subscribers", defaultValue = "10000")
        int subscribers;

        @Option(names = "--paths", defaultValue = "1000")
        int paths;

        @Option(
                names = "--per-group",
                defaultValue = "10",
                description = "Paths per subscriber (a wildcard over them; 1 = one exact path).")
        int perGroup;

        @Option(names = "--rates", defaultValue = "1000")
        String rates;

        @Option(names = "--name", defaultValue = "paths", description = "Result file name.")
        String name;

        @Override
        public Integer call() throws Exception {
            Scenarios sc = new Scenarios(c.settings());
            return c.finish(
                    sc, sc.load(name, List.of(Layout.paths(subscribers, paths, perGroup)), doubles(rates), false));
        }
    }

    @Command(name = "direct", description = "One-to-one datagrams to each tunnel's /client/C path.")
    static final class Direct implements Callable<Integer> {
        @Mixin
        Common c;

        @Option(names = "--subscribers", defaultValue = "10000")
        int subscribers;

        @Option(names = "--rates", defaultValue = "10000")
        String rates;

        @Override
        public Integer call() throws Exception {
            Scenarios sc = new Scenarios(c.settings());
            return c.finish(sc, sc.load("direct", List.of(Layout.direct(subscribers)), doubles(rates), false));
        }
    }

    @Command(name = "reconnect", description = "Drop all N tunnels at once mid-run and re-attach: resume time, loss.")
    static final class Reconnect implements Callable<Integer> {
        @Mixin
        Common c;

        @Option(names = "--subscribers", defaultValue = "10000")
        int subscribers;

        @Option(names = "--rates", defaultValue = "10")
        String rates;

        @Override
        public Integer call() throws Exception {
            Scenarios sc = new Scenarios(c.settings());
            return c.finish(sc, sc.load("reconnect", List.of(Layout.broadcast(subscribers)), doubles(rates), true));
        }
    }

    @Command(
            name = "h2",
            description = "SSE tunnels over HTTP/1.1 versus h2c streams: idle memory per tunnel, deliveries/s.")
    static final class H2 implements Callable<Integer> {
        @Mixin
        Common c;

        @Option(names = "--tunnels", defaultValue = "2000")
        int tunnels;

        @Option(names = "--streams-per-connection", defaultValue = "100", description = "h2c streams per connection.")
        int perConnection;

        @Option(names = "--rate", defaultValue = "20", description = "Datagrams/s broadcast to every tunnel.")
        double rate;

        @Override
        public Integer call() throws Exception {
            H2Bench b = new H2Bench(c.settings());
            Report r = b.run(tunnels, perConnection, rate);
            r.write(c.out, b.context(perConnection));
            return 0;
        }
    }

    @Command(
            name = "publish",
            description =
                    "POST /publish as fast as answered, to a path with one subscriber: publishes/s, CPU per publish.")
    static final class Publish implements Callable<Integer> {
        @Mixin
        Common c;

        @Option(names = "--connections", defaultValue = "16", description = "Keep-alive publisher connections.")
        int connections;

        @Option(
                names = "--depth",
                defaultValue = "1",
                description = "Requests in flight per connection (pipelined when more than 1).")
        int depth;

        @Override
        public Integer call() throws Exception {
            PublishBench b = new PublishBench(c.settings());
            Report r = b.run(connections, depth);
            r.write(c.out, b.context());
            return 0;
        }
    }

    @Command(
            name = "cluster",
            description = "2 Warren nodes sharing a redis-server against 1 node alone (alternating): subscribers"
                    + " split over the nodes, publishes alternating between them; deliveries/s, latency, loss.")
    static final class Cluster implements Callable<Integer> {
        @Mixin
        Common c;

        @Option(names = "--subscribers", defaultValue = "1000")
        int subscribers;

        @Option(names = "--paths", defaultValue = "10", description = "Paths; each subscriber takes one, exactly.")
        int paths;

        @Option(names = "--rates", defaultValue = "100", description = "Datagrams/s published (all paths).")
        String rates;

        @Option(
                names = "--redis-server",
                defaultValue = "redis-server",
                description = "The redis-server executable, started on a free loopback port for each cluster run.")
        String redisServer;

        @Option(names = "--name", defaultValue = "cluster", description = "Result file name.")
        String name;

        @Override
        public Integer call() throws Exception {
            Scenarios.Settings s = c.settings();
            ClusterBench b = new ClusterBench(s, redisServer);
            Report r = b.run(name, Layout.paths(subscribers, paths, 1), doubles(rates));
            r.write(c.out, b.context(new Scenarios(s), r));
            return 0;
        }
    }

    @Command(name = "plot", description = "PNG plots (gnuplot) from the results directory.")
    static final class PlotCmd implements Callable<Integer> {
        @Option(names = "--results", defaultValue = "warren-bench/results")
        Path results;

        @Option(names = "--out", defaultValue = "docs/images")
        Path out;

        @Override
        public Integer call() throws Exception {
            Plot.all(results, out);
            return 0;
        }
    }

    @Command(name = "jmh", description = "Runs the JMH microbenchmarks (arguments go to JMH).")
    static final class Jmh implements Callable<Integer> {
        @CommandLine.Parameters(arity = "0..*")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(args.toArray(String[]::new));
            return 0;
        }
    }
}
