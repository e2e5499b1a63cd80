package io.warren.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} for tests, on a free loopback port, without persistence. When Redis is not
 * installed the test is aborted with a message, and under CI ({@code CI=true}) it fails instead: the
 * suite never passes by skipping the cluster. {@code ./run-tests} installs Debian's {@code redis-server}.
 */
public final class RedisProcess implements RedisUnderTest {
    private final String executable;
    private final int port;
    private final Path logFile;
    private Process process;
    private List<String> extra = List.of();

    private RedisProcess(String executable, int port) throws IOException {
        this.executable = executable;
        this.port = port;
        Path dir = Path.of("target", "redis");
        Files.createDirectories(dir);
        this.logFile = dir.resolve("redis-" + port + ".log");
    }

    /**
     * Starts a Sentinel watching {@code master} under the name "mymaster", for
     * {@code redis-sentinel://127.0.0.1:PORT#mymaster} URIs.
     */
    public static RedisProcess sentinel(RedisProcess master) {
        return sentinel(master, 1, 30_000);
    }

    /**
     * Starts a Sentinel watching {@code master} under the name "mymaster": it is declared down after
     * {@code downAfterMillis} without answers, and failed over when {@code quorum} Sentinels agree.
     */
    public static RedisProcess sentinel(RedisProcess master, int quorum, int downAfterMillis) {
        String exe = find();
        try {
            RedisProcess r = new RedisProcess(exe, freePort());
            Path conf = r.logFile.getParent().resolve("sentinel-" + r.port + ".conf");
            Files.writeString(
                    conf,
                    "port " + r.port + "\nbind 127.0.0.1\ndaemonize no\n"
                            + "sentinel monitor mymaster 127.0.0.1 " + master.port + " " + quorum + "\n"
                            + "sentinel down-after-milliseconds mymaster " + downAfterMillis + "\n"
                            + "sentinel failover-timeout mymaster 10000\n");
            r.process = new ProcessBuilder(List.of(exe, conf.toString(), "--sentinel"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(r.logFile.toFile()))
                    .start();
            r.awaitPing();
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot start redis-sentinel: " + e, e);
        }
    }

    /** Starts a redis-server in cluster mode holding no slots yet, for {@link RedisClusterNodes}. */
    static RedisProcess clusterNode() {
        String exe = find();
        try {
            RedisProcess r = new RedisProcess(exe, freePort());
            Path conf = r.logFile.getParent().toAbsolutePath().resolve("nodes-" + r.port + ".conf");
            Files.deleteIfExists(conf);
            r.extra = List.of("--cluster-enabled", "yes", "--cluster-config-file", conf.toString());
            r.launch();
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot start a Redis Cluster node: " + e, e);
        }
    }

    /** Starts a redis-server replicating {@code master}. */
    public static RedisProcess replicaOf(RedisProcess master) {
        String exe = find();
        try {
            RedisProcess r = new RedisProcess(exe, freePort());
            r.extra = List.of("--replicaof", "127.0.0.1", Integer.toString(master.port));
            r.launch();
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot start a Redis replica: " + e, e);
        }
    }

    /** Starts a fresh redis-server. */
    public static RedisProcess start() {
        String exe = find();
        try {
            RedisProcess r = new RedisProcess(exe, freePort());
            r.launch();
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot start redis-server: " + e, e);
        }
    }

    private static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        String message = "redis-server is not installed (./run-tests installs Debian's redis-server)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void launch() throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                executable,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                logFile.getParent().toString()));
        cmd.addAll(extra);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        awaitPing();
    }

    private void awaitPing() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (ping()) {
                return;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("redis-server did not come up on port " + port + " (see " + logFile + ")");
            }
            try {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    private boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[7];
            int n = in.readNBytes(b, 0, 7);
            return n == 7 && new String(b, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    @Override
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * Sends one command (inline arguments without spaces) and returns the first line of the reply, such
     * as {@code :1} or {@code +OK}: enough for tests to look at keys.
     */
    public String command(String... args) {
        return send(false, args);
    }

    /**
     * Sends one command and returns its whole reply when it is a bulk string (such as {@code CLUSTER INFO}
     * or {@code INFO replication}), else its first line.
     */
    public String text(String... args) {
        return send(true, args);
    }

    private String send(boolean wholeBulk, String... args) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                sb.append('$')
                        .append(a.getBytes(StandardCharsets.UTF_8).length)
                        .append("\r\n")
                        .append(a)
                        .append("\r\n");
            }
            s.getOutputStream().write(sb.toString().getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            if (!wholeBulk || line.length() < 2 || line.charAt(0) != '$' || line.charAt(1) == '-') {
                return line.toString();
            }
            in.read(); // \n
            byte[] body = in.readNBytes(Integer.parseInt(line.substring(1)));
            return new String(body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether the process is running. */
    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Kills the server (its data is gone: no persistence). */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts it again on the same port, empty. */
    public void restart() {
        stop();
        try {
            launch();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
