package io.warren.bench.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What N idle tunnels add to the heap, by class: two {@code jcmd GC.class_histogram} outputs (the empty
 * server's and the one at N tunnels, each taken after the full GC the command performs) subtracted and
 * divided by N. A class with about one instance per tunnel shows {@code 1.00}; the sum of the byte column
 * is the heap per tunnel the capacity row reports, give or take what the JVM allocated meanwhile.
 */
public final class HistogramDiff {
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private HistogramDiff() {}

    /** The per-tunnel table, largest byte difference first, classes adding less than 1 byte per tunnel left out. */
    public static String perTunnel(String idle, String loaded, int tunnels) {
        Map<String, long[]> before = parse(idle);
        Map<String, long[]> after = parse(loaded);
        List<Map.Entry<String, long[]>> rows = new ArrayList<>();
        long totalBytes = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            totalBytes += d[1];
            rows.add(Map.entry(e.getKey(), d));
        }
        for (Map.Entry<String, long[]> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                totalBytes -= e.getValue()[1];
            }
        }
        rows.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "# class histogram at %d idle SSE tunnels minus the empty server's, per tunnel%n"
                        + "# total: %.1f bytes per tunnel%n"
                        + "# instances/tunnel  bytes/tunnel  class%n",
                tunnels,
                (double) totalBytes / tunnels));
        for (Map.Entry<String, long[]> r : rows) {
            double bytes = (double) r.getValue()[1] / tunnels;
            if (bytes < 1) {
                continue;
            }
            out.append(String.format(
                    Locale.ROOT, "%18.2f  %12.1f  %s%n", (double) r.getValue()[0] / tunnels, bytes, r.getKey()));
        }
        return out.toString();
    }

    private static Map<String, long[]> parse(String histogram) {
        Map<String, long[]> rows = new HashMap<>();
        for (String line : histogram.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                // Lambdas and hidden classes carry an address in their name: fold them by their prefix.
                String name = m.group(3).replaceAll("\\$\\$Lambda\\$\\d+/0x[0-9a-f]+", "\\$\\$Lambda");
                long[] r = rows.computeIfAbsent(name, k -> new long[2]);
                r[0] += Long.parseLong(m.group(1));
                r[1] += Long.parseLong(m.group(2));
            }
        }
        return rows;
    }
}
