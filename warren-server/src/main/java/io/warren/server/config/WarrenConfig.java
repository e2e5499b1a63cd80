package io.warren.server.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.warren.Limits;
import io.warren.NodeOptions;
import io.warren.auth.Permissions;
import io.warren.format.Format;
import io.warren.format.Formats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The command line and configuration: every option is read from a {@code --key=value} flag (or
 * {@code --key value}), else a {@code WARREN_KEY} environment variable, else the YAML file named by
 * {@code --config}, else its default. Values are validated here, with messages naming key and value.
 */
@Command(name = "warren", mixinStandardHelpOptions = true, version = "Warren 0.1.0",
        description = "Routes events to browsers over long-lived HTTP tunnels.", sortOptions = false,
        showDefaultValues = true)
public final class WarrenConfig {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (formats are defined there).")
    File config;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on.")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port.")
    int port;

    @Option(names = "--threads", defaultValue = "0", description = "Event loops (tunnel shards); 0 = one per core.")
    int threads;

    @Option(names = "--tunnel-timeout", defaultValue = "60s", description = "Cull a tunnel detached this long.")
    String tunnelTimeout;

    @Option(names = "--keepalive", defaultValue = "25s", description = "Keepalive interval of idle streams.")
    String keepalive;

    @Option(names = "--poll-timeout", defaultValue = "25s", description = "How long a poll is held when there is nothing to send.")
    String pollTimeout;

    @Option(names = "--replay-size", defaultValue = "256", description = "Datagrams kept per tunnel for resume.")
    int replaySize;

    @Option(names = "--replay-bytes", defaultValue = "256k", description = "Bytes kept per tunnel for resume.")
    String replayBytes;

    @Option(names = "--max-body", defaultValue = "64k", description = "Largest request body.")
    String maxBody;

    @Option(names = "--publish-key", description = "Bearer key for POST /publish, 16+ characters (without it only direct loopback may publish).")
    String publishKey;

    @Option(names = "--redis", paramLabel = "URI", description = "Join a cluster through this Redis (redis://HOST:PORT, redis-sentinel://..., redis-cluster://HOST:PORT,...). Without it: one in-memory node.")
    String redis;

    @Option(names = "--cluster-log-size", defaultValue = "100000", description = "Cluster: datagrams kept in Redis for resuming tunnels on another node.")
    int clusterLogSize;

    @Option(names = "--cluster-log-age", defaultValue = "10m", description = "Cluster: how long datagrams stay in Redis for resume at most.")
    String clusterLogAge;

    // ---- security (docs/security.md) ----

    @Option(names = "--jwt-secret", description = "HS256 shared secret (at least 32 bytes); turns JWT authentication on.")
    String jwtSecret;

    @Option(names = "--jwt-public-key", paramLabel = "FILE", description = "PEM file with RS256/ES256 public keys or certificates.")
    String jwtPublicKey;

    @Option(names = "--jwt-jwks-file", paramLabel = "FILE", description = "JWKS file with the keys tokens are signed with.")
    String jwtJwksFile;

    @Option(names = "--jwt-jwks-url", paramLabel = "URL", description = "JWKS URL (fetched asynchronously, cached).")
    String jwtJwksUrl;

    @Option(names = "--jwt-jwks-refresh", defaultValue = "5m", description = "How often the JWKS URL is fetched again.")
    String jwtJwksRefresh;

    @Option(names = "--jwt-cookie", description = "Cookie that may carry the token (besides Authorization: Bearer and ?token=).")
    String jwtCookie;

    @Option(names = "--jwt-issuer", description = "Required iss claim.")
    String jwtIssuer;

    @Option(names = "--jwt-audience", description = "Required aud claim.")
    String jwtAudience;

    @Option(names = "--jwt-clock-skew", defaultValue = "30s", description = "Tolerance on exp and nbf.")
    String jwtClockSkew;

    @Option(names = "--jwt-require-exp", arity = "0..1", defaultValue = "true", fallbackValue = "true",
            description = "Refuse tokens without an exp claim.")
    boolean jwtRequireExp;

    @Option(names = "--allow-anonymous", defaultValue = "false", arity = "0..1",
            description = "With JWT on, a request without any token opens as anonymous (anonymous rules apply).")
    boolean allowAnonymous;

    @Option(names = "--auth-callback", paramLabel = "URL", description = "Application URL asked (GET) to authenticate each tunnel open.")
    String authCallback;

    @Option(names = "--auth-callback-headers", defaultValue = "", description = "Request headers forwarded to the callback besides Cookie (comma-separated).")
    String authCallbackHeaders;

    @Option(names = "--auth-callback-timeout", defaultValue = "5s", description = "How long the callback may take.")
    String authCallbackTimeout;

    @Option(names = "--anonymous-subscribe", defaultValue = "", description = "Patterns anonymous clients may subscribe to (comma-separated); turns authorization on.")
    String anonymousSubscribe;

    @Option(names = "--anonymous-publish", defaultValue = "", description = "Patterns anonymous clients may publish to (comma-separated); turns authorization on.")
    String anonymousPublish;

    @Option(names = "--allowed-origins", defaultValue = "", description = "Browser origins allowed on /tunnel and /events (comma-separated, * for any); empty: no check.")
    String allowedOrigins;

    @Option(names = "--max-datagram", defaultValue = "32k", description = "Largest data of one datagram.")
    String maxDatagram;

    @Option(names = "--max-interests", defaultValue = "256", description = "Patterns one tunnel may subscribe to.")
    int maxInterests;

    @Option(names = "--events-per-second", defaultValue = "200", description = "Client datagrams per second per tunnel (token bucket; 0 = no limit).")
    int eventsPerSecond;

    @Option(names = "--events-burst", defaultValue = "1000", description = "Token bucket size for client datagrams.")
    int eventsBurst;

    @Option(names = "--max-tunnels-per-address", defaultValue = "100", description = "Tunnels open at once per client address (0 = no limit).")
    int maxTunnelsPerAddress;

    @Option(names = "--max-tunnels", defaultValue = "auto", description = "Tunnels this node holds at once (auto = max heap / 32 KiB; 0 = no limit).")
    String maxTunnels;

    @Option(names = "--first-attach-timeout", defaultValue = "10s", description = "Cull a tunnel whose client never came back after its first connection this soon.")
    String firstAttachTimeout;

    @Option(names = "--max-path-length", defaultValue = "256", description = "Characters of a path or pattern (at most 256).")
    int maxPathLength;

    @Option(names = "--max-path-depth", defaultValue = "16", description = "Segments of a path or pattern (at most 16).")
    int maxPathDepth;

    @Option(names = "--max-header-size", defaultValue = "8k", description = "Bytes of request headers.")
    String maxHeaderSize;

    @Option(names = "--max-initial-line", defaultValue = "4k", description = "Bytes of the request line.")
    String maxInitialLine;

    @Option(names = "--idle-timeout", defaultValue = "30s", description = "Close a connection with no request in progress after this long.")
    String idleTimeout;

    @Option(names = "--request-timeout", defaultValue = "10s", description = "A request's body must arrive within this long after its head.")
    String requestTimeout;

    // ---- operations (docs/operations.md) ----

    @Option(names = "--metrics", arity = "0..1", defaultValue = "true", fallbackValue = "true",
            description = "Serve Prometheus metrics at GET /metrics.")
    boolean metrics;

    @Option(names = "--admin-key", description = "Key for the /admin status page (without it the page is off).")
    String adminKey;

    @Option(names = "--stats-interval", defaultValue = "1s", description = "How often the status page gets fresh figures.")
    String statsInterval;

    @Option(names = "--access-log", arity = "0..1", defaultValue = "false", fallbackValue = "true",
            description = "Log every request to the warren.access logger (tunnel ids and keys redacted).")
    boolean accessLog;

    @Option(names = "--log-level", defaultValue = "INFO", description = "Root log level: TRACE, DEBUG, INFO, WARN or ERROR.")
    String logLevel;

    @Option(names = "--log-format", defaultValue = "text", description = "Log lines as text or json (one JSON object per line).")
    String logFormat;

    @Option(names = "--shutdown-timeout", defaultValue = "10s", description = "Longest graceful shutdown before the process exits anyway.")
    String shutdownTimeout;

    @Option(names = "--print-config", description = "Print the effective configuration (secrets masked) and exit.")
    boolean printConfig;

    /** Options that are never read from the environment or the file. */
    private static final Set<String> COMMAND_ONLY = Set.of("help", "version", "print-config");
    /** Options whose values are masked by --print-config. */
    private static final java.util.regex.Pattern SECRET = java.util.regex.Pattern.compile(".*(key|secret|password|token).*");
    private static final java.util.regex.Pattern CREDENTIALS = java.util.regex.Pattern.compile("([a-z][a-z0-9+.-]*://)[^/@\\s]*@");
    private static final java.util.regex.Pattern ADMIN_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9._~-]{8,256}");

    private Map<String, Object> file = Map.of();

    /** The result of reading every source: what the server serves and how it is run. */
    public record Loaded(ServerOptions server, OperationsOptions operations) {
    }

    /** Parses {@code args}; returns null when help or version was printed. Throws with a clear message on bad input. */
    public static ServerOptions parse(String[] args, Map<String, String> env) {
        Loaded l = load(args, env, System.out);
        return l == null ? null : l.server();
    }

    /**
     * Reads flags, {@code WARREN_*} variables and the file; returns null when help, the version or the
     * effective configuration was printed to {@code out}. Throws {@link IllegalArgumentException} or
     * {@link CommandLine.ParameterException} with a message naming the offending key and value.
     */
    public static Loaded load(String[] args, Map<String, String> env, java.io.PrintStream out) {
        WarrenConfig c = new WarrenConfig();
        CommandLine cl = new CommandLine(c);
        Map<String, Object> fileValues = loadFile(args, env);
        c.file = fileValues;
        cl.setDefaultValueProvider(spec -> defaultValue(spec, env, fileValues));
        CommandLine.ParseResult r = cl.parseArgs(args);
        if (r.isUsageHelpRequested()) {
            cl.usage(out);
            return null;
        }
        if (r.isVersionHelpRequested()) {
            cl.printVersionHelp(out);
            return null;
        }
        Loaded loaded = new Loaded(c.toOptions(), c.toOperations());
        if (c.printConfig) {
            out.print(c.describe(cl, r, env));
            return null;
        }
        return loaded;
    }

    /** {@code WARREN_*} variables that name no option (the launcher's own are left alone). */
    public static List<String> unknownEnvironment(Map<String, String> env) {
        Set<String> known = new TreeSet<>();
        for (String k : knownKeys()) {
            known.add(envName(k));
        }
        known.add("WARREN_JAVA_OPTS");
        List<String> unknown = new ArrayList<>();
        for (String k : env.keySet()) {
            if (k.startsWith("WARREN_") && !known.contains(k)) {
                unknown.add(k);
            }
        }
        java.util.Collections.sort(unknown);
        return unknown;
    }

    static String envName(String key) {
        return "WARREN_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static Set<String> knownKeys() {
        Set<String> known = new TreeSet<>();
        for (OptionSpec o : new CommandLine(new WarrenConfig()).getCommandSpec().options()) {
            String k = o.longestName().substring(2);
            if (!COMMAND_ONLY.contains(k)) {
                known.add(k);
            }
        }
        return known;
    }

    /** The effective configuration as YAML, each value with its source; secrets masked. */
    private String describe(CommandLine cl, CommandLine.ParseResult r, Map<String, String> env) {
        StringBuilder sb = new StringBuilder("# Effective Warren configuration (precedence: flag > environment > file > default)\n");
        for (OptionSpec o : cl.getCommandSpec().options()) {
            String key = o.longestName().substring(2);
            if (COMMAND_ONLY.contains(key)) {
                continue;
            }
            Object v = o.getValue();
            String source = r.hasMatchedOption(o) ? "flag" : env.containsKey(envName(key)) ? "env " + envName(key)
                    : file.containsKey(key) ? "file" : "default";
            String shown;
            if (v == null) {
                shown = "~";
            } else if (SECRET.matcher(key).matches()) {
                shown = "'****'";
            } else if (CREDENTIALS.matcher(String.valueOf(v)).find()) {
                // A URI with user:password@ (redis://:secret@host): keep the scheme and host, hide the rest.
                shown = yamlScalar(CREDENTIALS.matcher(String.valueOf(v)).replaceAll("$1****@"));
            } else {
                shown = yamlScalar(String.valueOf(v));
            }
            sb.append(key).append(": ").append(shown).append("   # ").append(source).append('\n');
        }
        Object defined = file.get("formats");
        if (defined instanceof Map<?, ?> m && !m.isEmpty()) {
            sb.append("formats:   # file; built in: sse, stream, iframe, longpoll, jsonp\n");
            for (Object name : m.keySet()) {
                sb.append("  ").append(name).append(": { ... }\n");
            }
        }
        return sb.toString();
    }

    private static String yamlScalar(String v) {
        return v.matches("[A-Za-z0-9_./:-]+") ? v : "'" + v.replace("'", "''") + "'";
    }

    private static String defaultValue(ArgSpec spec, Map<String, String> env, Map<String, Object> file) {
        if (!(spec instanceof OptionSpec o)) {
            return null;
        }
        String key = o.longestName().substring(2);
        if (COMMAND_ONLY.contains(key)) {
            return o.defaultValue();
        }
        String e = env.get(envName(key));
        if (e != null) {
            return e;
        }
        Object v = file.get(key);
        if (v instanceof Map<?, ?>) {
            throw new IllegalArgumentException("config file: " + key + " must be a single value or a list, not a mapping: " + v);
        }
        if (v != null) {
            return String.valueOf(v);
        }
        return o.defaultValue();
    }

    private static Map<String, Object> loadFile(String[] args, Map<String, String> env) {
        String path = env.get("WARREN_CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                path = args[i].substring("--config=".length());
            }
        }
        if (path == null) {
            return Map.of();
        }
        File f = new File(path);
        if (!f.isFile() || !f.canRead()) {
            throw new IllegalArgumentException("config: cannot read file '" + path + "'" + (f.exists() ? "" : " (no such file)"));
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper(new YAMLFactory()).readValue(f, Map.class);
            m = m == null ? new LinkedHashMap<>() : m;
            Set<String> known = knownKeys();
            known.remove("config");
            known.add("formats");
            known.add("history");
            for (String k : m.keySet()) {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("config file " + path + ": unknown key '" + k + "' (known: " + known + ")");
                }
            }
            return m;
        } catch (IOException e) {
            throw new IllegalArgumentException("config: file '" + path + "' is not a YAML mapping of options: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    ServerOptions toOptions() {
        NodeOptions node = NodeOptions.defaults()
                .withTunnelTimeout(check("tunnel-timeout", tunnelTimeout, Units::duration))
                .withKeepalive(check("keepalive", keepalive, Units::duration))
                .withPollTimeout(check("poll-timeout", pollTimeout, Units::duration))
                .withReplaySize(positive("replay-size", replaySize))
                .withReplayBytes(check("replay-bytes", replayBytes, Units::size));
        long body = check("max-body", maxBody, Units::size);
        if (body < 1 || body > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("max-body must be between 1 byte and 16m, not '" + maxBody + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        if (threads < 0 || threads > 1024) {
            throw new IllegalArgumentException("threads must be 0..1024, not " + threads);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        Formats.Builder formats = Formats.builder();
        Object defined = file.get("formats");
        if (defined != null) {
            if (!(defined instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("formats must be a mapping from format name to templates");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Format.Builder b = FormatConfig.read(String.valueOf(e.getKey()), e.getValue());
                formats.add(b);
            }
        }
        Formats built;
        try {
            built = formats.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("formats: " + e.getMessage());
        }
        return new ServerOptions(host, port, threads, (int) body, publishKey == null || publishKey.isEmpty() ? null : publishKey,
                node.withMaxInterests(positive("max-interests", maxInterests)), built, cluster(), history(), security());
    }

    /**
     * {@code history:} in the config file, a mapping from path pattern to {@code {size: N, ttl: DURATION}}
     * (a pattern may end in {@code " +subpaths"} for a subtree); the first matching pattern wins.
     */
    private java.util.List<io.warren.broker.HistoryRule> history() {
        Object defined = file.get("history");
        if (defined == null) {
            return java.util.List.of();
        }
        if (!(defined instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("history must be a mapping from path pattern to {size, ttl}");
        }
        java.util.List<io.warren.broker.HistoryRule> rules = new java.util.ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String pattern = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof Map<?, ?> v) || !(v.get("size") instanceof Number size) || v.get("ttl") == null) {
                throw new IllegalArgumentException("history." + pattern + " must be {size: N, ttl: DURATION}");
            }
            try {
                boolean subtree = pattern.endsWith(" +subpaths");
                io.warren.path.PathPattern p = io.warren.path.PathPattern.parse(
                        subtree ? pattern.substring(0, pattern.length() - " +subpaths".length()) : pattern, subtree);
                rules.add(new io.warren.broker.HistoryRule(p, size.intValue(), Units.duration(String.valueOf(v.get("ttl")))));
            } catch (RuntimeException x) {
                throw new IllegalArgumentException("history." + pattern + ": " + x.getMessage());
            }
        }
        return rules;
    }

    private ClusterOptions cluster() {
        if (redis == null || redis.isBlank()) {
            return null;
        }
        if (!redis.startsWith("redis://") && !redis.startsWith("rediss://") && !redis.startsWith("redis-sentinel://")
                && !redis.startsWith("redis-socket://") && !redis.startsWith("redis-cluster://")) {
            throw new IllegalArgumentException("redis must be a Redis URI such as redis://127.0.0.1:6379, not '" + redis + "'");
        }
        return new ClusterOptions(redis, positive("cluster-log-size", clusterLogSize),
                check("cluster-log-age", clusterLogAge, Units::duration));
    }

    private SecurityOptions security() {
        Limits limits;
        try {
            limits = Limits.defaults()
                    .withMaxDatagramBytes((int) Math.min(Integer.MAX_VALUE, check("max-datagram", maxDatagram, Units::size)))
                    .withEventsPerSecond(eventsPerSecond)
                    .withEventsBurst(eventsBurst)
                    .withMaxTunnelsPerAddress(maxTunnelsPerAddress)
                    .withMaxTunnels(maxTunnels == null || maxTunnels.equals("auto") ? Limits.defaultMaxTunnels()
                            : check("max-tunnels", maxTunnels, WarrenConfig::count))
                    .withFirstAttachTimeout(check("first-attach-timeout", firstAttachTimeout, Units::duration))
                    .withMaxPathLength(maxPathLength)
                    .withMaxPathDepth(maxPathDepth);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        SecurityOptions s = SecurityOptions.defaults()
                .withLimits(limits)
                .withAnonymous(list(anonymousSubscribe), list(anonymousPublish))
                .withAllowedOrigins(list(allowedOrigins))
                .withMaxHeaderSize((int) Math.min(1 << 20, check("max-header-size", maxHeaderSize, Units::size)))
                .withMaxInitialLine((int) Math.min(1 << 20, check("max-initial-line", maxInitialLine, Units::size)))
                .withTimeouts(check("idle-timeout", idleTimeout, Units::duration), check("request-timeout", requestTimeout, Units::duration));
        try {
            Permissions.parse(s.anonymousSubscribe(), s.anonymousPublish());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("anonymous-subscribe/anonymous-publish: " + e.getMessage());
        }
        if (present(jwtSecret) || present(jwtPublicKey) || present(jwtJwksFile) || present(jwtJwksUrl)) {
            s = s.withJwt(new SecurityOptions.Jwt(present(jwtSecret) ? jwtSecret : null,
                    present(jwtPublicKey) ? java.nio.file.Path.of(jwtPublicKey) : null,
                    present(jwtJwksFile) ? java.nio.file.Path.of(jwtJwksFile) : null,
                    present(jwtJwksUrl) ? uri("jwt-jwks-url", jwtJwksUrl) : null,
                    check("jwt-jwks-refresh", jwtJwksRefresh, Units::duration),
                    present(jwtCookie) ? jwtCookie : null,
                    present(jwtIssuer) ? jwtIssuer : null,
                    present(jwtAudience) ? jwtAudience : null,
                    check("jwt-clock-skew", jwtClockSkew, Units::duration),
                    allowAnonymous, jwtRequireExp));
        }
        if (present(authCallback)) {
            s = s.withCallback(new SecurityOptions.Callback(uri("auth-callback", authCallback), list(authCallbackHeaders),
                    check("auth-callback-timeout", authCallbackTimeout, Units::duration)));
        }
        return s;
    }

    private static boolean present(String v) {
        return v != null && !v.isBlank();
    }

    private static java.net.URI uri(String key, String v) {
        try {
            java.net.URI u = new java.net.URI(v.trim());
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException("must be an http or https URL");
            }
            return u;
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' " + e.getMessage());
        }
    }

    /** A comma-separated list; also takes a YAML sequence (which arrives as {@code [a, b]}). */
    static List<String> list(String v) {
        if (v == null) {
            return List.of();
        }
        String t = v.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String part : t.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    OperationsOptions toOperations() {
        if (adminKey != null && !adminKey.isEmpty() && !ADMIN_KEY.matcher(adminKey).matches()) {
            throw new IllegalArgumentException("admin-key must be 8 to 256 characters of A-Z a-z 0-9 . _ ~ - (the given value is not shown)");
        }
        String level = logLevel.toUpperCase(Locale.ROOT);
        if (!Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(level)) {
            throw new IllegalArgumentException("log-level: '" + logLevel + "' is not TRACE, DEBUG, INFO, WARN, ERROR or OFF");
        }
        String format = logFormat.toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException("log-format: '" + logFormat + "' is not text or json");
        }
        java.time.Duration shutdown = check("shutdown-timeout", shutdownTimeout, Units::duration);
        java.time.Duration stats = check("stats-interval", statsInterval, Units::duration);
        if (stats.toMillis() < 100) {
            throw new IllegalArgumentException("stats-interval must be at least 100ms, not '" + statsInterval + "'");
        }
        return new OperationsOptions(metrics, adminKey == null || adminKey.isEmpty() ? null : adminKey, accessLog,
                level, format, shutdown, stats);
    }

    private static int count(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be auto or a whole number (0 = no limit), not '" + v + "'");
        }
    }

    private static int positive(String key, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(key + " must be positive, not " + v);
        }
        return v;
    }

    private static <T> T check(String key, String value, java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }
}
