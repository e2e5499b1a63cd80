package io.warren.server.config;

import java.time.Duration;

/**
 * How a server is run and watched, as opposed to what it serves ({@link io.warren.server.config.ServerOptions}).
 * Immutable.
 *
 * @param metrics         whether {@code GET /metrics} answers (Prometheus text format)
 * @param adminKey        key guarding {@code /admin}; {@code null} disables the status page
 * @param accessLog       whether every request is logged to the {@code warren.access} logger
 * @param logLevel        level of the root logger (TRACE, DEBUG, INFO, WARN, ERROR)
 * @param logFormat       {@code text} or {@code json} (one JSON object per line)
 * @param shutdownTimeout how long a graceful shutdown may take before the process exits anyway
 * @param statsInterval   how often the status page receives a stats datagram
 */
public record OperationsOptions(
        boolean metrics,
        String adminKey,
        boolean accessLog,
        String logLevel,
        String logFormat,
        Duration shutdownTimeout,
        Duration statsInterval) {

    public static OperationsOptions defaults() {
        return new OperationsOptions(true, null, false, "INFO", "text", Duration.ofSeconds(10), Duration.ofSeconds(1));
    }

    public OperationsOptions withMetrics(boolean v) {
        return new OperationsOptions(v, adminKey, accessLog, logLevel, logFormat, shutdownTimeout, statsInterval);
    }

    public OperationsOptions withAdminKey(String v) {
        return new OperationsOptions(metrics, v, accessLog, logLevel, logFormat, shutdownTimeout, statsInterval);
    }

    public OperationsOptions withAccessLog(boolean v) {
        return new OperationsOptions(metrics, adminKey, v, logLevel, logFormat, shutdownTimeout, statsInterval);
    }

    public OperationsOptions withShutdownTimeout(Duration v) {
        return new OperationsOptions(metrics, adminKey, accessLog, logLevel, logFormat, v, statsInterval);
    }

    public OperationsOptions withStatsInterval(Duration v) {
        return new OperationsOptions(metrics, adminKey, accessLog, logLevel, logFormat, shutdownTimeout, v);
    }
}
