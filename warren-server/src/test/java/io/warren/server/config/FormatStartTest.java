package io.warren.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, custom formats that cannot misbehave: {@code io.warren.server.Main} in its own process (the
 * test class path) refuses every bad {@code formats:} entry at start with exit code 2 and a message
 * naming the key, and logs a warning for overrides that change how clients resume.
 */
class FormatStartTest {
    @TempDir
    Path dir;

    private record Run(int exit, String output) {}

    private Run start(String formats, String... extra) throws IOException, InterruptedException {
        Path yml = dir.resolve("w-" + System.nanoTime() + ".yml");
        Files.writeString(yml, "formats:\n" + formats);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.warren.server.Main",
                "--host=127.0.0.1",
                "--port=0",
                "--threads=1",
                "--config=" + yml));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("WARREN_"));
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (var r =
                new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.contains("Warren listening on")) {
                    break;
                }
            }
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        return new Run(out.toString().contains("Warren listening on") ? 0 : p.exitValue(), out.toString());
    }

    private void refused(String formats, String... expected) throws Exception {
        Run r = start(formats);
        assertThat(r.exit()).as(formats + r.output()).isEqualTo(2);
        assertThat(r.output()).as(formats).contains(expected).doesNotContain("listening");
    }

    @Test
    void aFormatNamedWsCannotReplaceTheWebSocketTransport() throws Exception {
        refused("  ws:\n    envelope: \"{datagram}\\n\"\n", "formats.ws.envelope", "WebSocket", "[ws, wss, websocket]");
        refused("  wss:\n    envelope: \"{datagram}\\n\"\n", "formats.wss", "reserved");
        refused("  websocket:\n    mode: stream\n", "formats.websocket", "reserved");
    }

    @Test
    void everyFieldIsCheckedWithAMessageNamingTheKey() throws Exception {
        refused("  x:\n    content-type: \"text/plain\\r\\nX-Evil: 1\"\n", "formats.x.content-type", "media type");
        refused("  x:\n    content-type: \"text/\"\n", "formats.x.content-type");
        refused("  x:\n    mode: push\n", "formats.x.mode", "'push'");
        refused("  x:\n    header: \"{datagram}\"\n", "formats.x.header", "{datagram}");
        refused("  x:\n    envelope: \"no placeholder\"\n", "formats.x.envelope", "{datagram}");
        refused("  x:\n    control: \"id: {id}\\ndata: {datagram}\\n\\n\"\n", "formats.x.control", "{id}");
        refused("  x:\n    control: \"{path}\\n\"\n", "formats.x.control", "{datagram}");
        refused("  x:\n    separator: \"{id}\"\n", "formats.x.separator", "{id}");
        refused("  x:\n    keepalive: \"\"\n", "formats.x.keepalive", "empty");
        refused("  x:\n    footer: \"{nope}\"\n", "formats.x.footer", "{nope}");
        refused("  x:\n    encoding: rot13\n", "formats.x.encoding", "rot13");
        refused("  x:\n    callback-required: maybe\n", "formats.x.callback-required", "'maybe'");
        refused("  x:\n    default-callback: \"a;b\"\n", "formats.x.default-callback");
        refused("  x:\n    keepalive-interval: 0s\n", "formats.x.keepalive-interval", "positive");
        refused("  x:\n    keepalive-interval: soon\n", "formats.x.keepalive-interval", "'soon'");
        refused("  x:\n    header:\n      nested: map\n", "formats.x.header", "single value");
        refused("  x:\n    colour: red\n", "formats.x", "unknown key 'colour'");
        refused("  Bad_Name:\n    mode: stream\n", "formats.Bad_Name", "[a-z][a-z0-9-]{0,31}");
        refused("  x: text\n", "formats.x", "mapping");
    }

    @Test
    void timersBelongToTheirMode() throws Exception {
        refused("  longpoll:\n    keepalive-interval: 5s\n", "formats.longpoll.keepalive-interval", "poll-timeout");
        refused("  sse:\n    poll-timeout: 5s\n", "formats.sse.poll-timeout");
        refused("  sse:\n    ping-interval: 5s\n", "formats.sse.ping-interval", "ws");
        refused("  ws:\n    poll-timeout: 5s\n", "formats.ws.poll-timeout");
    }

    @Test
    void overridesThatChangeResumeAreLoggedAtStart() throws Exception {
        Run r = start("  sse:\n    envelope: \"data: {datagram}\\n\\n\"\n"
                + "  longpoll:\n    mode: stream\n"
                + "  stream:\n    keepalive-interval: 5s\n");
        assertThat(r.output())
                .contains("listening")
                .contains("WARN", "formats.sse: an event-stream envelope without an 'id: {id}' line")
                .contains("formats.sse: changes the built-in format's [envelope]")
                .contains("formats.longpoll: changes the built-in format's mode from poll to stream")
                .doesNotContain("formats.stream");
    }
}
