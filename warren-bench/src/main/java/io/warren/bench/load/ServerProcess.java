package io.warren.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under test, started as its own process on a free loopback port: the real Warren jar, or
 * nginx with nchan from a config kept in this module. Reads CPU time, RSS and PSS from {@code /proc}, and
 * (Warren) the heap after a full GC through {@code jcmd}.
 */
public abstract class ServerProcess implements AutoCloseable {
    protected final int port;
    protected Process process;
    protected final Path logFile;

    protected ServerProcess(Path workDir) throws IOException {
        this.port = freePort();
        Files.createDirectories(workDir);
        this.logFile = workDir.resolve(label() + "-" + port + ".log");
    }

    public abstract String label();

    public int port() {
        return port;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    protected void awaitPort() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        label() + " exited with " + process.exitValue() + "; see " + logFile + ":\n" + tail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException(label() + " did not listen on " + port + " within 30 s; see " + logFile);
    }

    protected String tail() {
        try {
            String s = Files.readString(logFile);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "";
        }
    }

    /** The processes whose CPU and memory count as the server's. */
    protected List<Long> pids() {
        return List.of(process.pid());
    }

    /** User+system CPU seconds of the server so far. */
    public double cpuSeconds() {
        double ticks = 0;
        for (long pid : pids()) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                // process gone: count nothing more for it
            }
        }
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    /** Resident set size of the server's processes, in bytes. */
    public long rssBytes() {
        long kb = 0;
        for (long pid : pids()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return kb * 1024;
    }

    /**
     * Proportional set size of the server's processes ({@code Pss} in {@code /proc/PID/smaps_rollup}), in
     * bytes; -1 when the kernel has no smaps_rollup. Unlike RSS it counts a page mapped several times once:
     * ZGC (before generational ZGC) maps its heap three times, and RSS counts each mapping.
     */
    public long pssBytes() {
        long kb = 0;
        for (long pid : pids()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                return -1;
            } catch (RuntimeException e) {
                // gone
            }
        }
        return kb * 1024;
    }

    /** Java heap in use after a full GC, in bytes; -1 when not a JVM. */
    public long heapAfterGc() {
        return -1;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The Warren jar, started with the JVM options and server options given. */
    public static final class Warren extends ServerProcess {
        /**
         * A "used" figure in {@code GC.heap_info}. The heap's lines come before Metaspace's: one for G1
         * ({@code garbage-first heap ... used 24186K}) and ZGC ({@code ZHeap used 20M}), one per generation
         * for Serial ({@code def new generation}, {@code tenured generation}), which are added up.
         */
        private static final Pattern USED = Pattern.compile("used (\\d+)([KMG])");

        public Warren(Path workDir, Path jar, List<String> jvmOptions, List<String> serverOptions)
                throws IOException, InterruptedException {
            super(workDir);
            if (!Files.isRegularFile(jar)) {
                throw new IOException("no Warren jar at " + jar + ": build it with mvn -pl warren-server -am package");
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBin("java"));
            cmd.addAll(jvmOptions);
            cmd.add("-jar");
            cmd.add(jar.toString());
            cmd.add("--host=127.0.0.1");
            cmd.add("--port=" + port);
            // Load runs open thousands of tunnels from loopback: no admission caps (a scenario may set its own).
            cmd.add("--max-tunnels-per-address=0");
            cmd.add("--max-tunnels=0");
            cmd.addAll(serverOptions);
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            awaitPort();
        }

        @Override
        public String label() {
            return "warren";
        }

        @Override
        public long heapAfterGc() {
            try {
                jcmd("GC.run");
                String info = jcmd("GC.heap_info");
                int metaspace = info.indexOf("Metaspace");
                Matcher m = USED.matcher(metaspace < 0 ? info : info.substring(0, metaspace));
                long used = -1;
                while (m.find()) {
                    used = Math.max(used, 0) + (Long.parseLong(m.group(1)) << ("KMG".indexOf(m.group(2)) * 10 + 10));
                }
                return used;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** {@code jcmd GC.class_histogram}: what the heap holds, by class. */
        public String classHistogram() {
            try {
                return jcmd("GC.class_histogram");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String jcmd(String what) throws IOException {
            Process p = new ProcessBuilder(javaBin("jcmd"), String.valueOf(process.pid()), what)
                    .redirectErrorStream(true)
                    .start();
            try (InputStream in = p.getInputStream()) {
                String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(30, TimeUnit.SECONDS);
                return out;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** nginx with nchan, from the template {@code nchan/nginx.conf} with the port and paths filled in. */
    public static final class Nchan extends ServerProcess {
        private final Path dir;

        public Nchan(Path workDir, int workers, int pingSeconds) throws IOException, InterruptedException {
            super(workDir);
            Path nginx = Path.of("/usr/sbin/nginx");
            Path module = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");
            if (!Files.isExecutable(nginx) || !Files.isRegularFile(module)) {
                throw new IOException("nginx with nchan is not installed: apt-get install nginx libnginx-mod-nchan");
            }
            dir = workDir.resolve("nchan-" + port);
            Files.createDirectories(dir.resolve("logs"));
            Files.createDirectories(dir.resolve("tmp"));
            String template;
            try (InputStream in = ServerProcess.class.getResourceAsStream("/nchan/nginx.conf")) {
                template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String conf = template.replace("@PORT@", String.valueOf(port))
                    .replace("@DIR@", dir.toString())
                    .replace("@MODULE@", module.toString())
                    .replace("@WORKERS@", String.valueOf(workers))
                    .replace("@PING@", String.valueOf(pingSeconds))
                    .replace("@USER@", "root".equals(System.getProperty("user.name")) ? "user root;" : "");
            Path confFile = dir.resolve("nginx.conf");
            Files.writeString(confFile, conf);
            process = new ProcessBuilder(
                            nginx.toString(),
                            "-p",
                            dir.toString(),
                            "-c",
                            confFile.toString(),
                            "-e",
                            dir.resolve("logs/error.log").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            awaitPort();
        }

        @Override
        public String label() {
            return "nchan";
        }

        @Override
        protected List<Long> pids() {
            List<Long> out = new ArrayList<>();
            out.add(process.pid());
            process.descendants().forEach(h -> out.add(h.pid()));
            return out;
        }

        @Override
        public void close() {
            // nginx stops its workers on SIGTERM (fast shutdown) when run in the foreground.
            super.close();
        }
    }

    /**
     * A throwaway redis-server for the cluster scenario: loopback only, no persistence, its own port. Found
     * on the PATH (or at {@code executable}); the cluster smoke test fails under CI when it is missing.
     */
    public static final class Redis extends ServerProcess {
        public Redis(Path workDir, String executable) throws IOException, InterruptedException {
            super(workDir);
            Path dir = workDir.resolve("redis-" + port);
            Files.createDirectories(dir);
            try {
                process = new ProcessBuilder(
                                executable,
                                "--port",
                                String.valueOf(port),
                                "--bind",
                                "127.0.0.1",
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--dir",
                                dir.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(logFile.toFile())
                        .start();
            } catch (IOException e) {
                throw new IOException(
                        "cannot start " + executable + " (apt-get install redis-server): " + e.getMessage(), e);
            }
            awaitPort();
        }

        /** Whether {@code executable} can be started (a name looked up on the PATH, or a path). */
        public static boolean available(String executable) {
            if (executable.contains("/")) {
                return Files.isExecutable(Path.of(executable));
            }
            String path = System.getenv("PATH");
            if (path == null) {
                return false;
            }
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, executable))) {
                    return true;
                }
            }
            return false;
        }

        public String uri() {
            return "redis://127.0.0.1:" + port;
        }

        @Override
        public String label() {
            return "redis";
        }
    }

    static String javaBin(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }
}
