package io.warren.server.config;

import static io.warren.server.config.Values.check;
import static io.warren.server.config.Values.orNull;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** How the process is run and watched: metrics, the status page, logs, shutdown (docs/operations.md). */
final class OperationsFlags {
    private static final Pattern ADMIN_KEY = Pattern.compile("[A-Za-z0-9._~-]{8,256}");
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    @Option(
            names = "--metrics",
            arity = "0..1",
            defaultValue = "true",
            fallbackValue = "true",
            description = "Serve Prometheus metrics at GET /metrics.")
    boolean metrics;

    @Option(names = "--admin-key", description = "Key for the /admin status page (without it the page is off).")
    String adminKey;

    @Option(
            names = "--stats-interval",
            defaultValue = "1s",
            description = "How often the status page gets fresh figures.")
    String statsInterval;

    @Option(
            names = "--access-log",
            arity = "0..1",
            defaultValue = "false",
            fallbackValue = "true",
            description = "Log every request to the warren.access logger (tunnel ids and keys redacted).")
    boolean accessLog;

    @Option(
            names = "--log-level",
            defaultValue = "INFO",
            description = "Root log level: TRACE, DEBUG, INFO, WARN or ERROR.")
    String logLevel;

    @Option(
            names = "--log-format",
            defaultValue = "text",
            description = "Log lines as text or json (one JSON object per line).")
    String logFormat;

    @Option(
            names = "--shutdown-timeout",
            defaultValue = "10s",
            description = "Longest graceful shutdown before the process exits anyway.")
    String shutdownTimeout;

    OperationsOptions read() {
        if (adminKey != null
                && !adminKey.isEmpty()
                && !ADMIN_KEY.matcher(adminKey).matches()) {
            // The key is a secret: the message describes the rule, never the value.
            throw new IllegalArgumentException(
                    "admin-key must be 8 to 256 characters of A-Z a-z 0-9 . _ ~ - (the given value is not shown)");
        }
        String level = logLevel.toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException(
                    "log-level: '" + logLevel + "' is not TRACE, DEBUG, INFO, WARN, ERROR or OFF");
        }
        String format = logFormat.toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException("log-format: '" + logFormat + "' is not text or json");
        }
        Duration shutdown = check("shutdown-timeout", shutdownTimeout, Units::duration);
        Duration stats = check("stats-interval", statsInterval, Units::duration);
        if (stats.toMillis() < 100) {
            throw new IllegalArgumentException("stats-interval must be at least 100ms, not '" + statsInterval + "'");
        }
        return new OperationsOptions(metrics, orNull(adminKey), accessLog, level, format, shutdown, stats);
    }
}
