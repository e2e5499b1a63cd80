package io.warren.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Results of one scenario: every run as a row, then per point and target the median of each metric
 * over the runs, and the ratio Warren/nchan. Written as JSON and as a Markdown table.
 */
public final class Report {
    private final String scenario;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final List<String> columns;
    private final List<String> ratios;
    private final String numerator;
    private final String denominator;

    public Report(String scenario, List<String> columns, List<String> ratios) {
        this(scenario, columns, ratios, "warren", "nchan");
    }

    /** A report whose ratio row compares target {@code numerator} to target {@code denominator}. */
    public Report(String scenario, List<String> columns, List<String> ratios, String numerator, String denominator) {
        this.scenario = scenario;
        this.columns = columns;
        this.ratios = ratios;
        this.numerator = numerator;
        this.denominator = denominator;
    }

    public void add(Map<String, Object> row) {
        rows.add(row);
        System.out.println(scenario + " " + row);
    }

    public List<Map<String, Object>> rows() {
        return rows;
    }

    /** point -> target -> metric -> median over runs. */
    public Map<String, Map<String, Map<String, Double>>> medians() {
        Map<String, Map<String, Map<String, List<Double>>>> all = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            Map<String, List<Double>> m = all.computeIfAbsent((String) r.get("point"), k -> new LinkedHashMap<>())
                    .computeIfAbsent((String) r.get("target"), k -> new LinkedHashMap<>());
            r.forEach((k, v) -> {
                if (v instanceof Number n) {
                    m.computeIfAbsent(k, x -> new ArrayList<>()).add(n.doubleValue());
                }
            });
        }
        Map<String, Map<String, Map<String, Double>>> out = new LinkedHashMap<>();
        all.forEach((point, byTarget) -> byTarget.forEach((target, metrics) -> {
            Map<String, Double> med = new LinkedHashMap<>();
            metrics.forEach((k, vs) -> med.put(k, median(vs)));
            out.computeIfAbsent(point, k -> new LinkedHashMap<>()).put(target, med);
        }));
        return out;
    }

    static double median(List<Double> vs) {
        List<Double> s = new ArrayList<>(vs);
        s.sort(Double::compare);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| point | target | runs |");
        for (String c : columns) {
            sb.append(' ').append(c).append(" |");
        }
        sb.append('\n').append("|---|---|---|");
        sb.append("---|".repeat(columns.size())).append('\n');
        Map<String, Map<String, Map<String, Double>>> med = medians();
        med.forEach((point, byTarget) -> {
            byTarget.forEach((target, m) -> {
                long runs = rows.stream()
                        .filter(r -> point.equals(r.get("point")) && target.equals(r.get("target")))
                        .count();
                sb.append("| ")
                        .append(point)
                        .append(" | ")
                        .append(target)
                        .append(" | ")
                        .append(runs)
                        .append(" |");
                for (String c : columns) {
                    sb.append(' ').append(fmt(m.get(c))).append(" |");
                }
                sb.append('\n');
            });
            Map<String, Double> w = byTarget.get(numerator);
            Map<String, Double> n = byTarget.get(denominator);
            if (w != null && n != null && !ratios.isEmpty()) {
                sb.append("| ")
                        .append(point)
                        .append(" | **")
                        .append(numerator)
                        .append('/')
                        .append(denominator)
                        .append("** | |");
                for (String c : columns) {
                    if (ratios.contains(c) && w.get(c) != null && n.get(c) != null && n.get(c) != 0) {
                        sb.append(" **")
                                .append(String.format(Locale.ROOT, "%.2f×", w.get(c) / n.get(c)))
                                .append("** |");
                    } else {
                        sb.append(" |");
                    }
                }
                sb.append('\n');
            }
        });
        return sb.toString();
    }

    static String fmt(Double v) {
        if (v == null || v.isNaN()) {
            return "–";
        }
        double a = Math.abs(v);
        if (a == Math.rint(a) && a < 1e12) {
            return String.format(Locale.ROOT, "%,d", v.longValue());
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** Writes {@code DIR/SCENARIO.json} (rows and medians) and {@code DIR/SCENARIO.md}. */
    public void write(Path dir, Map<String, Object> context) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", scenario);
        doc.put("context", context);
        doc.put("rows", rows);
        doc.put("medians", medians());
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve(scenario + ".json").toFile(), doc);
        StringBuilder md = new StringBuilder("### ").append(scenario).append("\n\n");
        context.forEach(
                (k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append('\n').append(markdown());
        Files.writeString(dir.resolve(scenario + ".md"), md.toString());
        System.out.println();
        System.out.println(md);
    }
}
