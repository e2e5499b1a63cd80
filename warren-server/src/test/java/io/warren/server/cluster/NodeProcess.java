package io.warren.server.cluster;

import io.warren.redis.RedisProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Warren node in its own JVM ({@code io.warren.server.Main} on the test classpath), so that tests can
 * really kill it ({@code SIGKILL}) or stall it ({@code SIGSTOP}/{@code SIGCONT}).
 */
final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private NodeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static NodeProcess start(String... options) {
        try {
            int port = RedisProcess.freePort();
            Path dir = Path.of("target", "nodes");
            Files.createDirectories(dir);
            Path log = dir.resolve("node-" + port + ".log");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.warren.server.Main",
                    "--host=127.0.0.1",
                    "--port=" + port,
                    "--threads=1"));
            cmd.addAll(List.of(options));
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            NodeProcess n = new NodeProcess(p, port, log);
            n.awaitListening();
            return n;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("node exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        throw new IOException("node did not listen on " + port + " within 60 s; see " + log);
    }

    int port() {
        return port;
    }

    /** {@code kill -9}: no shutdown hook, no goodbye to clients or Redis. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stopProcess() {
        signal("-STOP");
    }

    void continueProcess() {
        signal("-CONT");
    }

    private void signal(String sig) {
        try {
            // bash's builtin kill: no dependency on procps being installed.
            int rc = new ProcessBuilder("bash", "-c", "kill " + sig + " " + process.pid())
                    .inheritIO()
                    .start()
                    .waitFor();
            if (rc != 0) {
                throw new AssertionError("kill " + sig + " failed with " + rc);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        kill();
    }
}
