package io.warren.server.config;

import static io.warren.server.config.Values.check;
import static io.warren.server.config.Values.positive;

import io.warren.NodeOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The listener and the engine's timers and replay bounds: {@code --host} to {@code --publish-key}. */
final class ServerFlags {

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on.")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port.")
    int port;

    @Option(
            names = "--tls-cert",
            paramLabel = "PEM",
            description = "Certificate chain (PEM): serve HTTPS with ALPN h2 and http/1.1. Needs --tls-key.")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PEM, PKCS#8) of --tls-cert.")
    String tlsKey;

    @Option(names = "--threads", defaultValue = "0", description = "Event loops (tunnel shards); 0 = one per core.")
    int threads;

    @Option(names = "--tunnel-timeout", defaultValue = "60s", description = "Cull a tunnel detached this long.")
    String tunnelTimeout;

    @Option(
            names = "--keepalive",
            defaultValue = "25s",
            description = "Keepalive interval of idle streams (formats.NAME.keepalive-interval overrides it).")
    String keepalive;

    @Option(
            names = "--poll-timeout",
            defaultValue = "25s",
            description = "How long a poll is held when there is nothing to send (formats.NAME.poll-timeout"
                    + " overrides it).")
    String pollTimeout;

    @Option(names = "--replay-size", defaultValue = "256", description = "Datagrams kept per tunnel for resume.")
    int replaySize;

    @Option(names = "--replay-bytes", defaultValue = "256k", description = "Bytes kept per tunnel for resume.")
    String replayBytes;

    @Option(names = "--max-body", defaultValue = "64k", description = "Largest request body.")
    String maxBody;

    @Option(
            names = "--publish-key",
            description = "Bearer key for POST /publish, 16+ characters (without it only direct loopback may publish).")
    String publishKey;

    /** The engine's timers and replay bounds (max-interests is a limit, added by the caller). */
    NodeOptions node() {
        return NodeOptions.defaults()
                .withTunnelTimeout(check("tunnel-timeout", tunnelTimeout, Units::duration))
                .withKeepalive(check("keepalive", keepalive, Units::duration))
                .withPollTimeout(check("poll-timeout", pollTimeout, Units::duration))
                .withReplaySize(positive("replay-size", replaySize))
                .withReplayBytes(check("replay-bytes", replayBytes, Units::size));
    }

    /** The largest request body, checked before the listener's own options (the order users see errors in). */
    int maxBody() {
        long body = check("max-body", maxBody, Units::size);
        if (body < 1 || body > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("max-body must be between 1 byte and 16m, not '" + maxBody + "'");
        }
        return (int) body;
    }

    /** HTTPS when both files are named; the files themselves are read when the server starts. */
    TlsOptions tls() {
        boolean cert = Values.present(tlsCert);
        boolean key = Values.present(tlsKey);
        if (cert != key) {
            throw new IllegalArgumentException(
                    (cert ? "tls-key" : "tls-cert") + " is required with " + (cert ? "tls-cert" : "tls-key"));
        }
        return cert ? new TlsOptions(Path.of(tlsCert.trim()), Path.of(tlsKey.trim())) : null;
    }

    void checkListener() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        if (threads < 0 || threads > 1024) {
            throw new IllegalArgumentException("threads must be 0..1024, not " + threads);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
    }
}
