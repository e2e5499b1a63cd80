package io.warren.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code java -jar warren.jar ARGS} in its own process, with its output collected line by line. */
final class WarrenProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Warren listening on [^:]+:(\\d+)");

    final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

    private WarrenProcess(Process process) {
        this.process = process;
        Thread t = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            all.add(line);
                            lines.add(line);
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                },
                "warren-process-output");
        t.setDaemon(true);
        t.start();
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("warren.jar", "target/warren.jar"));
        assertThat(Files.isRegularFile(jar))
                .as("the runnable jar %s (built by mvn package)", jar)
                .isTrue();
        return jar;
    }

    static WarrenProcess start(Map<String, String> env, String... args) throws IOException {
        return start(List.of(), env, args);
    }

    /** As {@link #start(Map, String...)}, with extra JVM options (system properties) before {@code -jar}. */
    static WarrenProcess start(List<String> jvm, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss512k", "-Xmx256m"));
        cmd.addAll(jvm);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("WARREN_"));
        pb.environment().putAll(env);
        return new WarrenProcess(pb.start());
    }

    /** Waits for the "listening" log line and returns the port. */
    int awaitPort() throws InterruptedException {
        return Integer.parseInt(awaitLine(LISTENING, Duration.ofSeconds(30)).group(1));
    }

    /** Waits for an output line matching {@code p}; fails with the output so far after {@code timeout}. */
    Matcher awaitLine(Pattern p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("no line matching " + p + " within " + timeout + "; output:\n" + output());
            }
            Matcher m = p.matcher(line);
            if (m.find()) {
                return m;
            }
        }
    }

    String output() {
        synchronized (all) {
            return String.join("\n", all);
        }
    }

    long pid() {
        return process.pid();
    }

    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
