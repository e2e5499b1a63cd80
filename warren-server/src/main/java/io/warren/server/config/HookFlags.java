package io.warren.server.config;

import static io.warren.server.config.Values.check;
import static io.warren.server.config.Values.httpUrl;
import static io.warren.server.config.Values.positive;
import static io.warren.server.config.Values.present;

import java.net.URI;
import picocli.CommandLine.Option;

/** Lifecycle hooks: where tunnel events are POSTed and how (docs/backend-api.md). */
final class HookFlags {

    @Option(
            names = "--hook-url",
            paramLabel = "URL",
            description = "Application URL the server POSTs tunnel events to (open, close, subscribe, ...).")
    String hookUrl;

    @Option(
            names = "--hook-secret",
            description = "Key of the HMAC-SHA256 signature of each hook request (at least 16 characters).")
    String hookSecret;

    @Option(names = "--hook-queue", defaultValue = "10000", description = "Events waiting to be sent, at most.")
    int hookQueue;

    @Option(names = "--hook-batch", defaultValue = "100", description = "Events per hook request, at most.")
    int hookBatch;

    @Option(names = "--hook-linger", defaultValue = "50ms", description = "How long a batch waits to fill up.")
    String hookLinger;

    @Option(names = "--hook-timeout", defaultValue = "5s", description = "Deadline of one hook request.")
    String hookTimeout;

    @Option(
            names = "--hook-retries",
            defaultValue = "8",
            description = "Retries of a failed hook request (backoff doubling from --hook-backoff).")
    int hookRetries;

    @Option(names = "--hook-backoff", defaultValue = "250ms", description = "Wait before the first retry.")
    String hookBackoff;

    HookOptions read() {
        URI url = null;
        if (present(hookUrl)) {
            url = httpUrl("hook-url", hookUrl);
            if (url.getHost() == null) {
                throw new IllegalArgumentException("hook-url: '" + hookUrl + "' names no host");
            }
        }
        if (hookRetries < 0) {
            throw new IllegalArgumentException("hook-retries must be 0 or more, not " + hookRetries);
        }
        return new HookOptions(
                url,
                present(hookSecret) ? hookSecret : null,
                positive("hook-queue", hookQueue),
                positive("hook-batch", hookBatch),
                check("hook-linger", hookLinger, Units::duration),
                check("hook-timeout", hookTimeout, Units::duration),
                hookRetries,
                check("hook-backoff", hookBackoff, Units::duration));
    }
}
