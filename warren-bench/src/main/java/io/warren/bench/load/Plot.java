package io.warren.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * PNG plots from the scenario JSON files, drawn by gnuplot (Debian {@code gnuplot-nox}): latency against
 * offered rate (every {@code broadcast*.json}), and memory against tunnels ({@code capacity.json}).
 */
public final class Plot {
    private Plot() {}

    public static void all(Path results, Path out) throws IOException, InterruptedException {
        Files.createDirectories(out);
        Path data = results.resolve("plot");
        Files.createDirectories(data);
        List<String> latencySeries = new ArrayList<>();
        List<String> throughputSeries = new ArrayList<>();
        // One series per target over every broadcast-shaped result (broadcast*, saturation*):
        // offered deliveries/s -> p99, p50, achieved deliveries/s; points labelled "subscribers x rate".
        Map<String, TreeMap<Double, double[]>> series = new TreeMap<>();
        Map<String, Map<Double, String>> labels = new TreeMap<>();
        try (var files = Files.list(results)) {
            for (Path f : files.filter(p -> {
                        String n = p.getFileName().toString();
                        return (n.startsWith("broadcast") || n.startsWith("saturation")) && n.endsWith(".json");
                    })
                    .sorted()
                    .toList()) {
                JsonNode medians = new ObjectMapper().readTree(f.toFile()).get("medians");
                medians.properties()
                        .forEach(point -> point.getValue().properties().forEach(t -> {
                            JsonNode m = t.getValue();
                            // points with the same offered rate (100 x 1000/s, 1000 x 100/s) must not overwrite each
                            // other
                            double x = m.get("offeredPerSec").asDouble()
                                    + m.get("subscribers").asDouble() * 1e-6;
                            series.computeIfAbsent(t.getKey(), k -> new TreeMap<>())
                                    .put(x, new double[] {
                                        m.get("p99Ms").asDouble(),
                                        m.get("p50Ms").asDouble(),
                                        m.get("deliveriesPerSec").asDouble()
                                    });
                            labels.computeIfAbsent(t.getKey(), k -> new TreeMap<>())
                                    .put(
                                            x,
                                            (long) m.get("subscribers").asDouble() + "x"
                                                    + (long) m.get("rate").asDouble());
                        }));
            }
        }
        for (var e : series.entrySet()) {
            Path dat = data.resolve("broadcast-" + e.getKey() + ".dat");
            StringBuilder sb = new StringBuilder("# offered p99ms p50ms delivered label\n");
            e.getValue()
                    .forEach((x, v) -> sb.append(String.format(
                            Locale.ROOT,
                            "%f %f %f %f %s%n",
                            x,
                            v[0],
                            v[1],
                            v[2],
                            labels.get(e.getKey()).get(x))));
            Files.writeString(dat, sb);
            latencySeries.add(String.format("'%s' using 1:2 with linespoints title '%s p99'", dat, e.getKey()));
            latencySeries.add(
                    String.format("'%s' using 1:3 with linespoints dashtype 2 title '%s p50'", dat, e.getKey()));
            latencySeries.add(String.format("'%s' using 1:2:5 with labels offset 0,1 font ',8' notitle", dat));
            throughputSeries.add(String.format("'%s' using 1:4 with linespoints title '%s'", dat, e.getKey()));
            throughputSeries.add(String.format("'%s' using 1:4:5 with labels offset 0,1 font ',8' notitle", dat));
        }
        if (!latencySeries.isEmpty()) {
            gnuplot(
                    out.resolve("latency-vs-rate.png"),
                    "Broadcast: p99 publish-to-receive latency",
                    "offered deliveries/s (points: subscribers x datagrams/s)",
                    "latency (ms)",
                    "set logscale xy",
                    latencySeries);
            gnuplot(
                    out.resolve("throughput-vs-rate.png"),
                    "Broadcast: deliveries/s achieved",
                    "offered deliveries/s (points: subscribers x datagrams/s)",
                    "delivered/s",
                    "set logscale xy",
                    throughputSeries);
        }
        Path cap = results.resolve("capacity.json");
        if (Files.exists(cap)) {
            JsonNode medians = new ObjectMapper().readTree(cap.toFile()).get("medians");
            Map<String, TreeMap<Double, double[]>> capSeries = new TreeMap<>();
            medians.properties()
                    .forEach(point -> point.getValue().properties().forEach(t -> {
                        JsonNode m = t.getValue();
                        capSeries
                                .computeIfAbsent(t.getKey(), k -> new TreeMap<>())
                                .put(m.get("tunnels").asDouble(), new double[] {
                                    m.get("rssMiB").asDouble(),
                                    m.has("heapMiB") ? m.get("heapMiB").asDouble() : Double.NaN
                                });
                    }));
            List<String> lines = new ArrayList<>();
            for (var e : capSeries.entrySet()) {
                Path dat = data.resolve("capacity-" + e.getKey() + ".dat");
                StringBuilder sb = new StringBuilder("# tunnels rssMiB heapMiB\n");
                e.getValue()
                        .forEach((x, v) -> sb.append(String.format(
                                Locale.ROOT,
                                "%f %f %s%n",
                                x,
                                v[0],
                                Double.isNaN(v[1]) ? "NaN" : String.valueOf(v[1]))));
                Files.writeString(dat, sb);
                lines.add(String.format("'%s' using 1:2 with linespoints title '%s RSS'", dat, e.getKey()));
                if (e.getKey().equals("warren")) {
                    lines.add(String.format("'%s' using 1:3 with linespoints title 'warren heap after GC'", dat));
                }
            }
            gnuplot(
                    out.resolve("memory-vs-tunnels.png"),
                    "Idle SSE tunnels: server memory",
                    "tunnels",
                    "MiB",
                    "",
                    lines);
        }
    }

    static void gnuplot(Path png, String title, String xlabel, String ylabel, String extra, List<String> series)
            throws IOException, InterruptedException {
        String script = "set terminal pngcairo size 900,540 noenhanced\n"
                + "set output '" + png + "'\n"
                + "set title '" + title + "'\n"
                + "set xlabel '" + xlabel + "'\nset ylabel '" + ylabel + "'\n"
                + "set grid\nset key left top\n" + extra + "\n"
                + "plot " + String.join(", \\\n     ", series) + "\n";
        Process p = new ProcessBuilder("gnuplot").redirectErrorStream(true).start();
        p.getOutputStream().write(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("gnuplot failed for " + png + ":\n" + log);
        }
        System.out.println("wrote " + png);
    }
}
