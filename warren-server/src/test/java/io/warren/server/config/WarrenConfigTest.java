package io.warren.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarrenConfigTest {

    @Test
    void defaults() {
        ServerOptions o = WarrenConfig.parse(new String[0], Map.of());
        assertThat(o.port()).isEqualTo(8080);
        assertThat(o.node().tunnelTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.node().keepalive()).isEqualTo(Duration.ofSeconds(25));
        assertThat(o.maxBody()).isEqualTo(64 * 1024);
        assertThat(o.publishKey()).isNull();
        assertThat(o.formats().get("sse")).isNotNull();
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
        Path yml = dir.resolve("w.yml");
        Files.writeString(yml, "port: 7000\nkeepalive: 10s\npoll-timeout: 3s\nreplay-size: 9\n");
        ServerOptions o = WarrenConfig.parse(
                new String[] {"--config=" + yml, "--port", "9000", "--tunnel-timeout=5s"},
                Map.of("WARREN_PORT", "8000", "WARREN_KEEPALIVE", "500ms", "WARREN_MAX_BODY", "1m"));
        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.node().tunnelTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.node().keepalive()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.node().pollTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.node().replaySize()).isEqualTo(9);
        assertThat(o.maxBody()).isEqualTo(1024 * 1024);
        ServerOptions fromEnvFile = WarrenConfig.parse(new String[0], Map.of("WARREN_CONFIG", yml.toString()));
        assertThat(fromEnvFile.port()).isEqualTo(7000);
    }

    @Test
    void badValuesAreNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--keepalive=soon"}, Map.of()))
                .hasMessageContaining("keepalive")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--max-body=-1"}, Map.of()))
                .hasMessageContaining("max-body");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--port=70000"}, Map.of()))
                .hasMessageContaining("port");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--nope=1"}, Map.of()))
                .hasMessageContaining("--nope");
        Path yml = dir.resolve("bad.yml");
        Files.writeString(yml, "prot: 1\n");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--config", yml.toString()}, Map.of()))
                .hasMessageContaining("'prot'");
        Files.writeString(yml, "formats:\n  x:\n    envelope: \"{tunnel}\"\n");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--config", yml.toString()}, Map.of()))
                .hasMessageContaining("{tunnel}");
    }

    @Test
    void units() {
        assertThat(Units.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Units.size("64k")).isEqualTo(65536);
        assertThat(Units.size("2MiB")).isEqualTo(2 * 1024 * 1024);
        assertThat(Units.size("100")).isEqualTo(100);
    }
}
