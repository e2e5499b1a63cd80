package io.warren.server.config;

import io.warren.NodeOptions;
import io.warren.format.Formats;
import io.warren.spi.HistoryRule;
import java.util.List;

/**
 * Everything a {@link WarrenServer} needs: where to listen, request limits, the publish key, the
 * engine's {@link NodeOptions} and the formats on offer. Immutable.
 *
 * @param host       address to bind ({@code 0.0.0.0} for all)
 * @param port       TCP port, 0 for any free one
 * @param threads    event loops (shards); 0 means one per core
 * @param maxBody    largest request body in bytes
 * @param publishKey bearer key for {@code POST /publish} (at least {@value #MIN_PUBLISH_KEY} characters), or
 *                   null to allow direct (unproxied) loopback clients only
 * @param cluster    cluster membership on Redis, or null for a single in-memory node
 * @param history    per-path history rules (first match wins)
 * @param security   authentication, authorization rules, origins and limits
 * @param tls        HTTPS (ALPN {@code h2} and {@code http/1.1}), or null for plain HTTP (HTTP/1.1 and h2c)
 */
public record ServerOptions(
        String host,
        int port,
        int threads,
        int maxBody,
        String publishKey,
        NodeOptions node,
        Formats formats,
        ClusterOptions cluster,
        List<HistoryRule> history,
        SecurityOptions security,
        TlsOptions tls) {

    /** Shortest accepted publish key: long enough that guessing it over the network is hopeless. */
    public static final int MIN_PUBLISH_KEY = 16;

    public ServerOptions {
        history = List.copyOf(history);
        if (publishKey != null && publishKey.length() < MIN_PUBLISH_KEY) {
            throw new IllegalArgumentException(
                    "publish-key must be at least " + MIN_PUBLISH_KEY + " characters (the given value is not shown)");
        }
    }

    /** Options for plain HTTP (kept for callers that predate TLS). */
    public ServerOptions(
            String host,
            int port,
            int threads,
            int maxBody,
            String publishKey,
            NodeOptions node,
            Formats formats,
            ClusterOptions cluster,
            List<HistoryRule> history,
            SecurityOptions security) {
        this(host, port, threads, maxBody, publishKey, node, formats, cluster, history, security, null);
    }

    /** Options without security settings (kept for callers that predate them). */
    public ServerOptions(
            String host,
            int port,
            int threads,
            int maxBody,
            String publishKey,
            NodeOptions node,
            Formats formats,
            ClusterOptions cluster,
            List<HistoryRule> history) {
        this(
                host,
                port,
                threads,
                maxBody,
                publishKey,
                node,
                formats,
                cluster,
                history,
                SecurityOptions.defaults(),
                null);
    }

    public static ServerOptions defaults() {
        return new ServerOptions(
                "0.0.0.0",
                8080,
                0,
                64 * 1024,
                null,
                NodeOptions.defaults(),
                Formats.builtIn(),
                null,
                List.of(),
                SecurityOptions.defaults(),
                null);
    }

    public ServerOptions withPort(int v) {
        return new ServerOptions(host, v, threads, maxBody, publishKey, node, formats, cluster, history, security, tls);
    }

    public ServerOptions withHost(String v) {
        return new ServerOptions(v, port, threads, maxBody, publishKey, node, formats, cluster, history, security, tls);
    }

    public ServerOptions withMaxBody(int v) {
        return new ServerOptions(host, port, threads, v, publishKey, node, formats, cluster, history, security, tls);
    }

    public ServerOptions withPublishKey(String v) {
        return new ServerOptions(host, port, threads, maxBody, v, node, formats, cluster, history, security, tls);
    }

    public ServerOptions withNode(NodeOptions v) {
        return new ServerOptions(host, port, threads, maxBody, publishKey, v, formats, cluster, history, security, tls);
    }

    public ServerOptions withFormats(Formats v) {
        return new ServerOptions(host, port, threads, maxBody, publishKey, node, v, cluster, history, security, tls);
    }

    public ServerOptions withThreads(int v) {
        return new ServerOptions(host, port, v, maxBody, publishKey, node, formats, cluster, history, security, tls);
    }

    public ServerOptions withCluster(ClusterOptions v) {
        return new ServerOptions(host, port, threads, maxBody, publishKey, node, formats, v, history, security, tls);
    }

    public ServerOptions withHistory(List<HistoryRule> v) {
        return new ServerOptions(host, port, threads, maxBody, publishKey, node, formats, cluster, v, security, tls);
    }

    public ServerOptions withSecurity(SecurityOptions v) {
        return new ServerOptions(host, port, threads, maxBody, publishKey, node, formats, cluster, history, v, tls);
    }

    public ServerOptions withTls(TlsOptions v) {
        return new ServerOptions(
                host, port, threads, maxBody, publishKey, node, formats, cluster, history, security, v);
    }
}
