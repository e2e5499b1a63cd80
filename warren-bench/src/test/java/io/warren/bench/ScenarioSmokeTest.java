package io.warren.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.warren.bench.load.ClusterBench;
import io.warren.bench.load.Layout;
import io.warren.bench.load.Plot;
import io.warren.bench.load.PublishBench;
import io.warren.bench.load.Report;
import io.warren.bench.load.Scenarios;
import io.warren.bench.load.ServerProcess;
import io.warren.bench.load.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run of every scenario against the real Warren jar and nginx+nchan, each started as its own
 * process on a free loopback port, with the generator's worker processes: seconds, not minutes. It
 * keeps the generator honest: every expected datagram must arrive exactly once, with latency recorded,
 * and the Warren server (run with Netty's paranoid leak detector) must log no leak.
 */
class ScenarioSmokeTest {
    @TempDir
    static Path dir;

    static Scenarios.Settings settings;

    @BeforeAll
    static void settings() {
        Path jar = Path.of("..", "warren-server", "target", "warren.jar")
                .toAbsolutePath()
                .normalize();
        assertThat(jar)
                .as("the Warren jar is built by the reactor before this module (mvn verify from the root)")
                .isRegularFile();
        settings = new Scenarios.Settings();
        settings.jar = jar;
        settings.runs = 1;
        settings.warmupMillis = 300;
        settings.durationMillis = 1_000;
        settings.perWorker = 50; // several worker processes even for a small run
        settings.sourceIps = 3;
        settings.connectTimeoutMillis = 30_000;
        settings.serverJvm = List.of(
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dio.netty.leakDetection.level=paranoid");
        settings.nchanWorkers = 1;
        settings.workerJvm = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        settings.out = dir.resolve("results");
        settings.work = dir.resolve("work");
    }

    @AfterAll
    static void noLeak() throws Exception {
        try (Stream<Path> logs = Files.list(settings.work)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("warren-"))
                    .toList()) {
                assertThat(Files.readString(log)).as(log.toString()).doesNotContain("LEAK:");
            }
        }
    }

    private static void assertExactlyOnce(Report r, int points) {
        assertThat(r.rows()).hasSize(points);
        for (Map<String, Object> row : r.rows()) {
            assertThat(row)
                    .as(row.toString())
                    .containsEntry("missing", 0L)
                    .containsEntry("duplicates", 0L)
                    .containsEntry("errors", 0L);
            assertThat((Long) row.get("published")).as(row.toString()).isPositive();
            assertThat((Double) row.get("deliveriesPerSec")).as(row.toString()).isPositive();
            assertThat((Double) row.get("p99Ms")).as(row.toString()).isPositive();
        }
    }

    @Test
    void broadcastAgainstWarrenAndNchan() throws Exception {
        Report r = new Scenarios(settings).load("broadcast", List.of(Layout.broadcast(60)), List.of(200.0), false);
        assertExactlyOnce(r, 2);
        assertThat(r.rows()).extracting(m -> m.get("target")).containsExactly("warren", "nchan");
        assertThat(r.rows())
                .allSatisfy(m -> assertThat((Long) m.get("expected")).isEqualTo(60L * (Long) m.get("published")));
        r.write(settings.out, new Scenarios(settings).context());
        assertThat(settings.out.resolve("broadcast.json")).isNotEmptyFile();
        assertThat(Files.readString(settings.out.resolve("broadcast.md")))
                .contains("| broadcast subs=60 rate=200 | warren/nchan |".replace("warren/nchan", "**warren/nchan**"));
    }

    @Test
    void broadcastOverStreamAndLongpoll() throws Exception {
        for (String format : List.of("stream", "longpoll")) {
            Scenarios.Settings s = copy();
            s.format = format;
            s.targets = List.of(Target.WARREN);
            assertExactlyOnce(
                    new Scenarios(s).load("broadcast-" + format, List.of(Layout.broadcast(30)), List.of(100.0), false),
                    1);
        }
    }

    @Test
    void manyPathsWithWildcards() throws Exception {
        Report r = new Scenarios(settings).load("paths", List.of(Layout.paths(100, 50, 10)), List.of(500.0), false);
        assertExactlyOnce(r, 2);
        // 100 subscribers in 5 groups of 10 paths: each datagram reaches 20 subscribers
        assertThat(r.rows()).allSatisfy(m -> assertThat(m.get("expected")).isEqualTo(20L * (Long) m.get("published")));
    }

    @Test
    void directToClientPaths() throws Exception {
        Report r = new Scenarios(settings).load("direct", List.of(Layout.direct(80)), List.of(400.0), false);
        assertExactlyOnce(r, 2);
        // one-to-one: every datagram reaches exactly one subscriber
        assertThat(r.rows()).allSatisfy(m -> assertThat(m.get("expected")).isEqualTo(m.get("published")));
    }

    @Test
    void reconnectStormResumesWithoutLoss() throws Exception {
        Scenarios.Settings s = copy();
        s.durationMillis = 2_000;
        Report r = new Scenarios(s).load("reconnect", List.of(Layout.broadcast(80)), List.of(50.0), true);
        assertExactlyOnce(r, 2);
        for (Map<String, Object> row : r.rows()) {
            assertThat((Double) row.get("resumeMs")).as(row.toString()).isPositive();
            assertThat(row).as(row.toString()).containsEntry("notResumed", 0L).containsEntry("gaps", 0L);
        }
    }

    @Test
    void capacityHoldsIdleTunnelsWithKeepalives() throws Exception {
        Report r = new Scenarios(settings).capacity(List.of(50, 120), 2_200, 1);
        assertThat(r.rows()).hasSize(4);
        for (Map<String, Object> row : r.rows()) {
            assertThat(row.get("open")).as(row.toString()).isEqualTo(((Integer) row.get("tunnels")).longValue());
            assertThat(row).as(row.toString()).containsEntry("disconnects", 0L);
            assertThat((Long) row.get("keepalives"))
                    .as(row.toString())
                    .isGreaterThanOrEqualTo(((Integer) row.get("tunnels")).longValue());
            assertThat((Double) row.get("rssMiB")).isPositive();
            assertThat((Double) row.get("idleRssMiB"))
                    .as("the idle server's RSS, read before the first tunnel")
                    .isPositive()
                    .isLessThanOrEqualTo((Double) row.get("rssMiB"));
            assertThat((Double) row.get("pssMiB")).as(row.toString()).isPositive();
        }
        assertThat(r.rows())
                .filteredOn(m -> m.get("target").equals("warren"))
                .allSatisfy(m -> assertThat((Double) m.get("heapMiB")).isPositive());
        r.write(settings.out, new Scenarios(settings).context());
        Path images = dir.resolve("images");
        Plot.all(settings.out, images);
        assertThat(images.resolve("memory-vs-tunnels.png")).isNotEmptyFile();
    }

    private static void assertSaneRate(Map<String, Object> row) {
        double offered = (Double) row.get("offeredPerSec");
        assertThat((Double) row.get("deliveriesPerSec"))
                .as(row.toString())
                .isBetween(0.1 * offered, 1.5 * offered); // loose: a loaded CI machine stretches the drain
    }

    @Test
    void broadcastOverWebSocket() throws Exception {
        Scenarios.Settings s = copy();
        s.format = "ws";
        s.durationMillis = 1_500;
        s.targets = List.of(Target.WARREN, Target.NCHAN); // nchan is skipped: it is measured over EventSource only
        Report r = new Scenarios(s).load("broadcast-ws", List.of(Layout.broadcast(20)), List.of(100.0), false);
        assertExactlyOnce(r, 1);
        assertThat(r.rows()).extracting(m -> m.get("target")).containsExactly("warren");
        assertThat(r.rows()).allSatisfy(m -> assertThat(m.get("expected")).isEqualTo(20L * (Long) m.get("published")));
        assertThat(r.rows()).allSatisfy(ScenarioSmokeTest::assertSaneRate);
    }

    @Test
    void clusterOfTwoNodesAgainstOneNode() throws Exception {
        boolean redis = ServerProcess.Redis.available("redis-server");
        if (!redis && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("redis-server is not installed; ./run-tests installs it, CI must not skip this");
        }
        assumeTrue(redis, "redis-server is not installed (apt-get install redis-server)");
        Scenarios.Settings s = copy();
        s.durationMillis = 1_500;
        ClusterBench b = new ClusterBench(s, "redis-server");
        // 20 subscribers over 4 paths, 10 on each node: each datagram reaches 5 subscribers
        Report r = b.run("cluster", Layout.paths(20, 4, 1), List.of(50.0));
        assertExactlyOnce(r, 2);
        assertThat(r.rows())
                .extracting(m -> m.get("target"), m -> m.get("nodes"))
                .containsExactly(tuple(ClusterBench.CLUSTER, 2), tuple(ClusterBench.SINGLE, 1));
        assertThat(r.rows()).allSatisfy(m -> assertThat(m.get("expected")).isEqualTo(5L * (Long) m.get("published")));
        assertThat(r.rows()).allSatisfy(ScenarioSmokeTest::assertSaneRate);
        r.write(settings.out, b.context(new Scenarios(s), r));
        assertThat(Files.readString(settings.out.resolve("cluster.md")))
                .contains("**cluster/single**")
                .contains("cross-node p99 overhead");
    }

    @Test
    void publishAsFastAsAnsweredReachesTheSubscriberOnce() throws Exception {
        Scenarios.Settings s = copy();
        s.runs = 1;
        s.warmupMillis = 500;
        s.durationMillis = 1_500;
        PublishBench b = new PublishBench(s);
        Report r = b.run(4, 2); // 4 connections, 2 requests pipelined on each
        assertThat(r.rows()).hasSize(1);
        Map<String, Object> row = r.rows().get(0);
        assertThat(row)
                .as(row.toString())
                .containsEntry("missing", 0L)
                .containsEntry("duplicates", 0L)
                .containsEntry("errors", 0L);
        assertThat((Long) row.get("acked")).as(row.toString()).isGreaterThan(100L);
        assertThat((Double) row.get("publishesPerSec")).as(row.toString()).isPositive();
        assertThat((Double) row.get("cpuUsPerPublish")).as(row.toString()).isPositive();
        assertThat((Double) row.get("p99Ms")).as(row.toString()).isPositive();
        r.write(settings.out, b.context());
        assertThat(settings.out.resolve("publish.json")).isNotEmptyFile();
    }

    private static Scenarios.Settings copy() {
        Scenarios.Settings s = new Scenarios.Settings();
        s.jar = settings.jar;
        s.runs = settings.runs;
        s.warmupMillis = settings.warmupMillis;
        s.durationMillis = settings.durationMillis;
        s.perWorker = settings.perWorker;
        s.sourceIps = settings.sourceIps;
        s.connectTimeoutMillis = settings.connectTimeoutMillis;
        s.serverJvm = settings.serverJvm;
        s.nchanWorkers = settings.nchanWorkers;
        s.workerJvm = settings.workerJvm;
        s.out = settings.out;
        s.work = settings.work;
        return s;
    }
}
