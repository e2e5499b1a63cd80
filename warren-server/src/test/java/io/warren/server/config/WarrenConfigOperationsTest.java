package io.warren.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Flags beat WARREN_* variables, which beat the file, which beats the defaults; every bad value is named. */
class WarrenConfigOperationsTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path f = dir.resolve("warren.yml");
        Files.writeString(f, yaml);
        return f;
    }

    private static WarrenConfig.Loaded load(Map<String, String> env, String... args) {
        return WarrenConfig.load(args, env, new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void defaultsWithoutAnySource() {
        WarrenConfig.Loaded l = load(Map.of());
        assertThat(l.server().port()).isEqualTo(8080);
        assertThat(l.server().node().keepalive()).isEqualTo(Duration.ofSeconds(25));
        assertThat(l.operations()).isEqualTo(OperationsOptions.defaults());
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path f = file("port: 9001\nkeepalive: 7s\npoll-timeout: 3s\nadmin-key: from-file-123\naccess-log: true\n");
        WarrenConfig.Loaded l =
                load(Map.of("WARREN_PORT", "9002", "WARREN_KEEPALIVE", "8s"), "--config", f.toString(), "--port=9003");
        ServerOptions s = l.server();
        assertThat(s.port()).as("flag").isEqualTo(9003);
        assertThat(s.node().keepalive()).as("env over file").isEqualTo(Duration.ofSeconds(8));
        assertThat(s.node().pollTimeout()).as("file over default").isEqualTo(Duration.ofSeconds(3));
        assertThat(s.node().tunnelTimeout()).as("default").isEqualTo(Duration.ofSeconds(60));
        assertThat(l.operations().adminKey()).isEqualTo("from-file-123");
        assertThat(l.operations().accessLog()).isTrue();
    }

    @Test
    void configFileNamedByEnvironment() throws IOException {
        Path f = file("port: 9100\n");
        assertThat(load(Map.of("WARREN_CONFIG", f.toString())).server().port()).isEqualTo(9100);
    }

    @Test
    void badValuesAreNamedWithKeyAndValue() throws IOException {
        assertThatThrownBy(() -> load(Map.of(), "--keepalive=5x"))
                .hasMessageContaining("keepalive")
                .hasMessageContaining("'5x'");
        assertThatThrownBy(() -> load(Map.of("WARREN_TUNNEL_TIMEOUT", "soon")))
                .hasMessageContaining("tunnel-timeout")
                .hasMessageContaining("'soon'");
        assertThatThrownBy(() -> load(Map.of(), "--port=http"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--port")
                .hasMessageContaining("'http'");
        assertThatThrownBy(() -> load(Map.of(), "--port=70000"))
                .hasMessageContaining("port")
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> load(Map.of(), "--max-body=lots"))
                .hasMessageContaining("max-body")
                .hasMessageContaining("'lots'");
        assertThatThrownBy(() -> load(Map.of(), "--replay-size=0"))
                .hasMessageContaining("replay-size")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> load(Map.of(), "--log-format=xml"))
                .hasMessageContaining("log-format")
                .hasMessageContaining("'xml'");
        assertThatThrownBy(() -> load(Map.of(), "--log-level=LOUD"))
                .hasMessageContaining("log-level")
                .hasMessageContaining("'LOUD'");
        assertThatThrownBy(() -> load(Map.of(), "--access-log=maybe"))
                .hasMessageContaining("--access-log")
                .hasMessageContaining("'maybe'");
        assertThatThrownBy(() -> load(Map.of(), "--shutdown-timeout=-1s")).hasMessageContaining("shutdown-timeout");
        assertThatThrownBy(() -> load(Map.of(), "--admin-key=short"))
                .hasMessageContaining("admin-key")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> load(Map.of(), "--no-such-option=1")).hasMessageContaining("--no-such-option");
        Path f = file("keepalive: {every: 5s}\n");
        assertThatThrownBy(() -> load(Map.of(), "--config", f.toString()))
                .hasMessageContaining("keepalive")
                .hasMessageContaining("mapping");
        Path l = file("keepalive: [1, 2]\n");
        assertThatThrownBy(() -> load(Map.of(), "--config", l.toString())).hasMessageContaining("keepalive");
    }

    @Test
    void unknownAndUnreadableFilesAreRefused() throws IOException {
        Path f = file("port: 9000\ntunel-timeout: 5s\n");
        assertThatThrownBy(() -> load(Map.of(), "--config", f.toString()))
                .hasMessageContaining("unknown key 'tunel-timeout'")
                .hasMessageContaining("tunnel-timeout");
        assertThatThrownBy(() ->
                        load(Map.of(), "--config", dir.resolve("missing.yml").toString()))
                .hasMessageContaining("missing.yml")
                .hasMessageContaining("no such file");
        Path list = file("- port\n- 9000\n");
        assertThatThrownBy(() -> load(Map.of(), "--config", list.toString()))
                .hasMessageContaining("not a YAML mapping");
    }

    @Test
    void formatsFromTheFileAndTheirErrors() throws IOException {
        Path ok = file("""
                formats:
                  plain:
                    content-type: text/plain; charset=utf-8
                    envelope: "{id} {path} {datagram}\\n"
                """);
        assertThat(load(Map.of(), "--config", ok.toString()).server().formats().get("plain"))
                .isNotNull();
        Path badMode = file("formats:\n  plain:\n    mode: sometimes\n    envelope: '{datagram}'\n");
        assertThatThrownBy(() -> load(Map.of(), "--config", badMode.toString()))
                .hasMessageContaining("formats.plain.mode")
                .hasMessageContaining("'sometimes'");
        Path badKey = file("formats:\n  plain:\n    envelop: '{datagram}'\n");
        assertThatThrownBy(() -> load(Map.of(), "--config", badKey.toString()))
                .hasMessageContaining("formats.plain")
                .hasMessageContaining("'envelop'");
        Path badEncoding = file("formats:\n  plain:\n    envelope: '{datagram}'\n    encoding: rot13\n");
        assertThatThrownBy(() -> load(Map.of(), "--config", badEncoding.toString()))
                .hasMessageContaining("formats.plain.encoding")
                .hasMessageContaining("rot13");
    }

    @Test
    void printConfigShowsSourcesAndMasksSecrets() throws IOException {
        Path f = file("keepalive: 9s\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WarrenConfig.Loaded l = WarrenConfig.load(
                new String[] {"--config", f.toString(), "--publish-key=hunter2-publish-key", "--print-config"},
                Map.of("WARREN_ADMIN_KEY", "hunter2-admin", "WARREN_PORT", "9005"),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(l).as("print-config does not start a server").isNull();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains(
                        "port: 9005   # env WARREN_PORT",
                        "keepalive: 9s   # file",
                        "publish-key: '****'   # flag",
                        "admin-key: '****'   # env WARREN_ADMIN_KEY",
                        "tunnel-timeout: 60s   # default");
        assertThat(text).doesNotContain("hunter2");

        ByteArrayOutputStream redis = new ByteArrayOutputStream();
        WarrenConfig.load(
                new String[] {"--print-config"},
                Map.of("WARREN_REDIS", "redis://:hunter2-redis@10.0.0.5:6379/0"),
                new PrintStream(redis, true, StandardCharsets.UTF_8));
        assertThat(redis.toString(StandardCharsets.UTF_8))
                .contains("redis: 'redis://****@10.0.0.5:6379/0'   # env WARREN_REDIS")
                .doesNotContain("hunter2");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(WarrenConfig.load(
                        new String[] {"--help"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)))
                .isNull();
        String help = out.toString(StandardCharsets.UTF_8);
        for (String key : new String[] {
            "port",
            "host",
            "threads",
            "tunnel-timeout",
            "keepalive",
            "poll-timeout",
            "replay-size",
            "replay-bytes",
            "max-body",
            "publish-key",
            "metrics",
            "admin-key",
            "access-log",
            "log-level",
            "log-format",
            "shutdown-timeout",
            "stats-interval",
            "config",
            "print-config"
        }) {
            assertThat(help).contains("--" + key);
        }
        assertThat(help).contains("Default: 8080", "Default: 25s", "Default: 60s", "Default: 64k", "Default: 10s");
    }

    @Test
    void theExampleFileIsValidAndDocumentsEveryOption() throws IOException {
        Path example = Path.of("..", "warren.example.yml");
        WarrenConfig.Loaded l = load(Map.of(), "--config", example.toString());
        assertThat(l.server().formats().get("lines")).isNotNull();
        assertThat(l.server().formats().get("b64poll")).isNotNull();
        assertThat(l.server())
                .usingRecursiveComparison()
                .ignoringFields("formats")
                .isEqualTo(load(Map.of()).server());
        assertThat(l.operations()).as("the file shows the defaults").isEqualTo(OperationsOptions.defaults());
        String text = Files.readString(example);
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        WarrenConfig.load(new String[] {"--help"}, Map.of(), new PrintStream(help, true, StandardCharsets.UTF_8));
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("--([a-z-]+)\\[?=").matcher(help.toString(StandardCharsets.UTF_8));
        int n = 0;
        while (m.find()) {
            String key = m.group(1);
            if (!key.equals("config")) {
                assertThat(text).as("warren.example.yml documents %s", key).containsPattern("(?m)^#? ?" + key + ":");
                n++;
            }
        }
        assertThat(n).as("options checked").isGreaterThanOrEqualTo(17);
    }

    @Test
    void unknownEnvironmentVariablesAreReported() {
        assertThat(WarrenConfig.unknownEnvironment(
                        Map.of("WARREN_PORT", "1", "WARREN_PROT", "1", "WARREN_JAVA_OPTS", "-Xmx1g", "HOME", "/")))
                .containsExactly("WARREN_PROT");
    }
}
