package io.warren.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.server.config.WarrenConfig;
import io.warren.server.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transcripts in the docs are replayed against real servers, so the docs cannot drift.
 *
 * <p>The markup, in the Markdown of {@link #DOCS} (the HTML comments do not render):
 * <ul>
 *   <li>A fenced block whose first line starts with {@code $ } is a transcript: {@code $ COMMAND} lines
 *       and, under each, the output it prints. Every transcript must be marked by an HTML comment on the
 *       line just before its fence, else this test fails:
 *       <ul>
 *         <li>{@code <!-- replay -->}: run it. Commands run in {@code bash} in a scratch directory
 *             ({@code curl} is the real one); {@code $ NAME=value} sets a variable for the later commands;
 *             {@code $ ./warren ARGS} runs the real command line in-process (its {@code --help} text, its
 *             configuration errors); a command ending in {@code &} runs in the background until the end
 *             of the block (the test waits for its first output before going on). Output is compared
 *             exactly after masking what differs per run: datagram, tunnel and client ids (an id the doc
 *             shows is then replaced by the real one in later commands), {@code (1.09s)} timings,
 *             {@code <2048 spaces>} padding. A command with {@code -N} (a stream) is read until its
 *             expected lines have arrived, for at most {@value #STREAM_BOUND_SECONDS} s.</li>
 *         <li>{@code <!-- no-replay: REASON -->}: not run (say why, e.g. needs two nodes).</li>
 *       </ul></li>
 *   <li>{@code <!-- replay-server NAME: FLAGS -->} anywhere in a doc declares a server that {@code $NAME}
 *       names in that doc's commands (started on first use, in-process, on a free loopback port);
 *       {@code http://localhost:8080} is server {@code W}, which defaults to no flags.</li>
 *   <li>{@code <!-- replay-output -->} before a plain block right after a replayed one: the output of
 *       that block's last background stream ({@code ... &}), read until these lines have arrived.</li>
 *   <li>{@code <!-- replay-file: NAME -->} before a fenced block writes its text to file NAME in the
 *       scratch directory, before any server of the doc starts ({@code --config=NAME} finds it).</li>
 *   <li>{@code <N characters>} in a command stands for N {@code x}; {@code 1001-datagrams.json} and
 *       {@code 2k.json} exist in the scratch directory.</li>
 * </ul>
 * Blocks of one doc share their servers and variables and run in order. A failure lists every
 * mismatching command with the real output to paste.
 */
class DocsTranscriptTest {
    static final List<String> DOCS = List.of(
            "README.md",
            "docs/protocol.md",
            "docs/cluster.md",
            "docs/security.md",
            "docs/operations.md",
            "docs/backend-api.md");

    static final int STREAM_BOUND_SECONDS = 8;

    private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*$");
    private static final Pattern MARKER =
            Pattern.compile("^<!--\\s*(replay-file|replay-output|no-replay|replay)(:?)(.*?)-->\\s*$");
    private static final Pattern SERVER = Pattern.compile("<!--\\s*replay-server\\s+([A-Z]+):(.*?)-->");
    private static final Pattern ASSIGN = Pattern.compile("^([A-Z][A-Z0-9_]*)=(\\S+)(\\s+#.*)?$");
    private static final Pattern CHARACTERS = Pattern.compile("<(\\d+) characters>");
    private static final String PADDING = " ".repeat(2048);

    /** What differs per run, in the order tokens are paired between the doc and the real output. */
    private static final List<Pattern> TOKENS = List.of(
            Pattern.compile("\\b[0-9a-v]{12}-[0-9a-z]+\\b"),
            Pattern.compile("(?<=\"tunnel\":\"|\"replaced\":\"|tunnel=|\\bT=)[A-Za-z0-9_-]{24}(?![A-Za-z0-9_-])"),
            Pattern.compile("(?<=\"client\":\"|/client/|/clients/|\"from\":\"|hello )[0-9A-Za-z]{12}(?![0-9A-Za-z])"),
            Pattern.compile("(?<=\"node\":\")[0-9a-v]{12}(?=\")"));

    private static final Pattern OPENED = Pattern.compile("\"tunnel\":\"([A-Za-z0-9_-]{24})\"");
    private static final Pattern TIMING = Pattern.compile("\\(\\d+\\.\\d+s\\)");

    @TempDir
    Path scratch;

    record Block(String doc, int line, String lang, String marker, String markerArg, List<String> text) {}

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("docs/protocol.md"))) {
            p = p.getParent();
        }
        return p;
    }

    static List<Block> blocks(String doc, List<String> lines) {
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher f = FENCE.matcher(lines.get(i));
            if (!f.matches()) {
                continue;
            }
            int start = i;
            List<String> text = new ArrayList<>();
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                text.add(lines.get(i));
            }
            String marker = null;
            String arg = "";
            if (start > 0) {
                Matcher m = MARKER.matcher(lines.get(start - 1).trim());
                if (m.matches()) {
                    marker = m.group(1);
                    arg = m.group(3).trim();
                }
            }
            out.add(new Block(doc, start + 1, f.group(1), marker, arg, text));
        }
        return out;
    }

    static boolean isTranscript(Block b) {
        return b.text().stream()
                .filter(l -> !l.isBlank())
                .findFirst()
                .orElse("")
                .startsWith("$ ");
    }

    @Test
    void everyTranscriptIsMarked() throws IOException {
        List<String> unmarked = new ArrayList<>();
        for (String doc : DOCS) {
            Path p = root().resolve(doc);
            if (!Files.exists(p)) {
                continue;
            }
            for (Block b : blocks(doc, Files.readAllLines(p))) {
                if (isTranscript(b) && b.marker() == null) {
                    unmarked.add(doc + ":" + b.line());
                }
                if ("no-replay".equals(b.marker()) && b.markerArg().isBlank()) {
                    unmarked.add(doc + ":" + b.line() + " (no-replay needs a reason)");
                }
            }
        }
        assertThat(unmarked)
                .as("transcripts ($ lines) without a marker: put <!-- replay --> (run it against a real server)"
                        + " or <!-- no-replay: REASON --> on the line before the fence; see DocsTranscriptTest")
                .isEmpty();
    }

    @Test
    void replayedTranscriptsMatchARealServer() throws Exception {
        Files.writeString(scratch.resolve("1001-datagrams.json"), datagrams(1001));
        Files.writeString(scratch.resolve("2k.json"), "{\"path\":\"/a\",\"data\":\"" + "x".repeat(2048) + "\"}");
        List<String> failures = new ArrayList<>();
        for (String doc : DOCS) {
            Path p = root().resolve(doc);
            if (Files.exists(p)) {
                try (Replay r = new Replay(doc, Files.readString(p), scratch)) {
                    r.run(failures);
                }
            }
        }
        assertThat(failures).as("transcripts that differ from the real server").isEmpty();
    }

    private static String datagrams(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",")
                    .append("{\"path\":\"/n\",\"data\":")
                    .append(i)
                    .append('}');
        }
        return sb.append(']').toString();
    }

    /** One doc's replay: its servers, variables and the ids seen so far. */
    static final class Replay implements AutoCloseable {
        private final String doc;
        private final String markdown;
        private final Path dir;
        private final Map<String, String> serverFlags = new LinkedHashMap<>();
        private final Map<String, TestServer> servers = new LinkedHashMap<>();
        private final Map<String, String> vars = new LinkedHashMap<>();
        /** A token the doc shows, and the real one it stands for in this run. */
        private final Map<String, String> seen = new LinkedHashMap<>();

        private final List<Process> background = new ArrayList<>();
        /** What each background stream printed before the next command ran. */
        private final List<String> backgroundStart = new ArrayList<>();
        /** The tunnel the last background stream opened: {@code $ T=ID} right after it names that one. */
        private String lastTunnel;

        Replay(String doc, String markdown, Path dir) {
            this.doc = doc;
            this.markdown = markdown;
            this.dir = dir;
            serverFlags.put("W", "");
            Matcher m = SERVER.matcher(markdown);
            while (m.find()) {
                serverFlags.put(m.group(1), m.group(2).trim());
            }
        }

        void run(List<String> failures) throws Exception {
            List<Block> all = blocks(doc, markdown.lines().toList());
            for (Block b : all) {
                if ("replay-file".equals(b.marker())) {
                    Files.writeString(dir.resolve(b.markerArg()), String.join("\n", b.text()) + "\n");
                }
            }
            for (int i = 0; i < all.size(); i++) {
                Block b = all.get(i);
                if ("replay".equals(b.marker())) {
                    try {
                        runBlock(b, failures);
                        Block next = i + 1 < all.size() ? all.get(i + 1) : null;
                        if (next != null && "replay-output".equals(next.marker())) {
                            compareBackground(next, failures);
                        }
                    } finally {
                        stopBackground();
                    }
                } else if ("replay-output".equals(b.marker())
                        && (i == 0 || !"replay".equals(all.get(i - 1).marker()))) {
                    failures.add(b.doc() + ":" + b.line() + " replay-output must follow a replay block");
                }
            }
        }

        private void runBlock(Block b, List<String> failures) throws Exception {
            List<String> lines = b.text();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (!line.startsWith("$ ")) {
                    continue;
                }
                String cmd = line.substring(2);
                List<String> expected = new ArrayList<>();
                while (i + 1 < lines.size() && !lines.get(i + 1).startsWith("$ ")) {
                    expected.add(lines.get(++i));
                }
                String want = String.join("\n", expected);
                String got = execute(cmd, want);
                if (got == null) {
                    continue;
                }
                if (isStream(cmd)
                        ? !mask(got).startsWith(mask(want))
                        : !mask(got).equals(mask(want))) {
                    failures.add(b.doc() + ":" + (b.line() + i - expected.size() + 1) + "  $ " + cmd
                            + "\n--- the doc says:\n" + want + "\n--- the server says:\n" + shown(got));
                }
                learn(want, got);
            }
        }

        /** The output of the block's last background stream, read until the expected text has arrived. */
        private void compareBackground(Block out, List<String> failures) throws Exception {
            if (background.isEmpty()) {
                failures.add(out.doc() + ":" + out.line() + " replay-output, but the block before has no command"
                        + " ending in &");
                return;
            }
            int last = background.size() - 1;
            String want = String.join("\n", out.text());
            String got = read(background.get(last), mask(want), backgroundStart.get(last));
            if (!mask(got).startsWith(mask(want))) {
                failures.add(out.doc() + ":" + out.line() + "  (output of the background stream)\n--- the doc says:\n"
                        + want + "\n--- the server says:\n" + shown(got));
            }
            learn(want, got);
        }

        /** Runs one command; returns its output, or null when it prints nothing to compare. */
        private String execute(String cmd, String want) throws Exception {
            Matcher assign = ASSIGN.matcher(cmd);
            if (assign.matches()) {
                String value = assign.group(2);
                if (!seen.containsKey(value) && lastTunnel != null && value.matches("[A-Za-z0-9_-]{24}")) {
                    seen.put(value, lastTunnel); // the tunnel a background stream just opened
                }
                vars.put(assign.group(1), substitute(value));
                return null;
            }
            if (cmd.startsWith("./warren")) {
                return warren(cmd.substring("./warren".length()).trim());
            }
            String real = substitute(cmd);
            boolean inBackground = real.endsWith("&");
            if (inBackground) {
                real = real.substring(0, real.length() - 1).trim();
            }
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", real)
                    .directory(dir.toFile())
                    .redirectErrorStream(true);
            for (String name : serverFlags.keySet()) {
                if (real.contains("$" + name)) {
                    pb.environment()
                            .put(name, "http://127.0.0.1:" + server(name).port());
                }
            }
            pb.environment().putAll(vars);
            Process p = pb.start();
            if (inBackground) {
                background.add(p);
                // The stream must be open before the next command publishes.
                String opened = real.contains("/tunnel?") ? waitForOpen(p.getInputStream(), 5) : "";
                backgroundStart.add(opened);
                Matcher t = OPENED.matcher(opened);
                if (t.find()) {
                    lastTunnel = t.group(1);
                }
                return null;
            }
            return read(p, isStream(cmd) ? mask(want) : null);
        }

        /** {@code curl -N}: a stream, read until the expected lines arrived. */
        private static boolean isStream(String cmd) {
            return cmd.matches(".*\\s-[a-zA-Z]*N.*");
        }

        /** Ends a command and whatever it started (a subshell's curl). */
        private static void kill(Process p) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }

        private String read(Process p, String enough) throws Exception {
            return read(p, enough, "");
        }

        /** Reads {@code p}'s output (after {@code before}, already read) until it exits, or holds {@code enough}. */
        private String read(Process p, String enough, String before) throws Exception {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            buf.write(before.getBytes(StandardCharsets.UTF_8));
            InputStream in = p.getInputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(enough != null ? STREAM_BOUND_SECONDS : 30);
            byte[] b = new byte[8192];
            while (System.nanoTime() < deadline) {
                if (in.available() > 0) {
                    int n = in.read(b);
                    if (n < 0) {
                        break;
                    }
                    buf.write(b, 0, n);
                    if (enough != null
                            && mask(trimEnd(buf.toString(StandardCharsets.UTF_8)))
                                    .startsWith(enough)
                            && mask(trimEnd(buf.toString(StandardCharsets.UTF_8)))
                                            .length()
                                    >= enough.length()) {
                        break;
                    }
                } else if (!p.isAlive()) {
                    in.transferTo(buf);
                    break;
                } else {
                    p.waitFor(20, TimeUnit.MILLISECONDS);
                }
            }
            kill(p);
            p.waitFor(5, TimeUnit.SECONDS);
            return trimEnd(buf.toString(StandardCharsets.UTF_8));
        }

        /** What a background stream printed until its {@code /meta/open} (or {@code seconds}). */
        private static String waitForOpen(InputStream in, int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[8192];
            while (!OPENED.matcher(buf.toString(StandardCharsets.UTF_8)).find() && System.nanoTime() < deadline) {
                if (in.available() > 0) {
                    buf.write(b, 0, in.read(b));
                } else {
                    Thread.sleep(10);
                }
            }
            return buf.toString(StandardCharsets.UTF_8);
        }

        /** {@code warren ARGS} as Main runs it: the usage, or the configuration error and exit code 2. */
        private String warren(String args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String[] argv = args.isEmpty() ? new String[0] : args.split("\\s+");
            try {
                WarrenConfig.load(argv, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                return "warren: " + e.getMessage() + "\nTry 'warren --help' for the options.";
            }
            return trimEnd(out.toString(StandardCharsets.UTF_8));
        }

        private TestServer server(String name) {
            return servers.computeIfAbsent(name, n -> {
                List<String> args = new ArrayList<>(List.of("--host=127.0.0.1", "--port=0"));
                for (String a : serverFlags.get(n).split("\\s+")) {
                    if (!a.isBlank()) {
                        args.add(a.startsWith("--config=") ? "--config=" + dir.resolve(a.substring(9)) : a);
                    }
                }
                // The operator options too (admin-key, for the status page's API in docs/operations.md).
                WarrenConfig.Loaded l = WarrenConfig.load(args.toArray(new String[0]), Map.of(), System.out);
                return TestServer.start(x -> l.server(), b -> b.operations(l.operations()));
            });
        }

        private String substitute(String cmd) {
            String s = cmd.contains("http://localhost:8080")
                    ? cmd.replace(
                            "http://localhost:8080",
                            "http://127.0.0.1:" + server("W").port())
                    : cmd;
            Matcher m = CHARACTERS.matcher(s);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, "x".repeat(Integer.parseInt(m.group(1))));
            }
            m.appendTail(sb);
            s = sb.toString();
            for (Map.Entry<String, String> e : seen.entrySet()) {
                s = s.replace(e.getKey(), e.getValue());
            }
            return s;
        }

        /** Pairs the ids the doc shows with the real ones, position by position. */
        private void learn(String want, String got) {
            for (Pattern t : TOKENS) {
                List<String> a = all(t, want);
                List<String> b = all(t, got);
                for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                    seen.putIfAbsent(a.get(i), b.get(i));
                }
            }
        }

        private static List<String> all(Pattern p, String s) {
            List<String> out = new ArrayList<>();
            Matcher m = p.matcher(s);
            while (m.find()) {
                out.add(m.group());
            }
            return out;
        }

        private void stopBackground() {
            for (Process p : background) {
                kill(p);
            }
            background.clear();
            backgroundStart.clear();
        }

        @Override
        public void close() {
            stopBackground();
            for (TestServer s : servers.values()) {
                s.close();
            }
        }
    }

    /** The text with what differs per run masked, and padding and trailing blanks normalized. */
    static String mask(String s) {
        String m = trimEnd(s.replace("\r", "")
                .replace(PADDING, "<2048 spaces>")
                .replace("<2048 spaces of padding>", "<2048 spaces>"));
        m = TIMING.matcher(m).replaceAll("(<time>)");
        for (Pattern t : TOKENS) {
            m = t.matcher(m).replaceAll("<id>");
        }
        return m;
    }

    static String shown(String real) {
        return real.replace("\r", "").replace(PADDING, "<2048 spaces>");
    }

    static String trimEnd(String s) {
        return s.replaceAll("\\s+$", "");
    }
}
