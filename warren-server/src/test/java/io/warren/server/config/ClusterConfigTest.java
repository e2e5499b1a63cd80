package io.warren.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.path.PathPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --redis and the cluster log options; history rules from the config file. */
class ClusterConfigTest {

    @Test
    void withoutRedisANodeStaysSingle() {
        ServerOptions o = WarrenConfig.parse(new String[0], Map.of());
        assertThat(o.cluster()).isNull();
        assertThat(o.history()).isEmpty();
    }

    @Test
    void redisFromAFlagOrTheEnvironment() {
        ServerOptions o = WarrenConfig.parse(
                new String[] {"--redis=redis://127.0.0.1:6390", "--cluster-log-size=500", "--cluster-log-age=2m"},
                Map.of());
        assertThat(o.cluster().redis()).isEqualTo("redis://127.0.0.1:6390");
        assertThat(o.cluster().logSize()).isEqualTo(500);
        assertThat(o.cluster().logAge()).isEqualTo(Duration.ofMinutes(2));
        ServerOptions env =
                WarrenConfig.parse(new String[0], Map.of("WARREN_REDIS", "redis-sentinel://h:26379#mymaster"));
        assertThat(env.cluster().redis()).isEqualTo("redis-sentinel://h:26379#mymaster");
        assertThat(env.cluster().logSize()).isEqualTo(100_000);
        assertThat(WarrenConfig.parse(new String[] {"--redis=redis-cluster://10.0.0.1:7000,10.0.0.2:7000"}, Map.of())
                        .cluster()
                        .redis())
                .isEqualTo("redis-cluster://10.0.0.1:7000,10.0.0.2:7000");
    }

    @Test
    void badClusterValuesAreNamed() {
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--redis=localhost:6379"}, Map.of()))
                .hasMessageContaining("redis")
                .hasMessageContaining("localhost:6379");
        assertThatThrownBy(
                        () -> WarrenConfig.parse(new String[] {"--redis=redis://h", "--cluster-log-size=0"}, Map.of()))
                .hasMessageContaining("cluster-log-size");
        assertThatThrownBy(() ->
                        WarrenConfig.parse(new String[] {"--redis=redis://h", "--cluster-log-age=forever"}, Map.of()))
                .hasMessageContaining("cluster-log-age");
    }

    @Test
    void historyRulesComeFromTheConfigFile(@TempDir Path dir) throws Exception {
        Path yml = dir.resolve("w.yml");
        Files.writeString(yml, """
                redis: redis://127.0.0.1:6391
                history:
                  "/chat/**": {size: 100, ttl: 1h}
                  "/news +subpaths": {size: 5, ttl: 30s}
                """);
        ServerOptions o = WarrenConfig.parse(new String[] {"--config", yml.toString()}, Map.of());
        assertThat(o.cluster().redis()).isEqualTo("redis://127.0.0.1:6391");
        assertThat(o.history()).hasSize(2);
        assertThat(o.history().get(0).pattern()).isEqualTo(PathPattern.parse("/chat/**"));
        assertThat(o.history().get(0).size()).isEqualTo(100);
        assertThat(o.history().get(0).ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(o.history().get(1).pattern()).isEqualTo(PathPattern.parse("/news", true));

        Files.writeString(yml, "history:\n  \"/a\": {size: 0, ttl: 1s}\n");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--config", yml.toString()}, Map.of()))
                .hasMessageContaining("history./a")
                .hasMessageContaining("size");
        Files.writeString(yml, "history:\n  \"/a\": 5\n");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--config", yml.toString()}, Map.of()))
                .hasMessageContaining("history./a");
        Files.writeString(yml, "history:\n  \"a b\": {size: 1, ttl: 1s}\n");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--config", yml.toString()}, Map.of()))
                .hasMessageContaining("history.a b");
    }
}
