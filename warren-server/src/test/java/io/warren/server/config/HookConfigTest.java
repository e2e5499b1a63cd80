package io.warren.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Lifecycle hook options: read from flags, environment (the secret) or file, validated, the secret never shown. */
class HookConfigTest {
    private static final String SECRET = "hunter2-hook-secret";

    private static HookOptions hooks(Map<String, String> env, String... args) {
        return WarrenConfig.load(args, env, new PrintStream(new ByteArrayOutputStream()))
                .hooks();
    }

    @Test
    void offByDefaultOnWithAUrlAndTheSecretFromTheEnvironment() {
        assertThat(hooks(Map.of()).enabled()).isFalse();
        HookOptions h = hooks(
                Map.of("WARREN_HOOK_SECRET", SECRET),
                "--hook-url=https://app.example/warren/hooks",
                "--hook-queue=50",
                "--hook-batch=5",
                "--hook-linger=10ms",
                "--hook-timeout=2s",
                "--hook-retries=3",
                "--hook-backoff=1s");
        assertThat(h.url()).isEqualTo(URI.create("https://app.example/warren/hooks"));
        assertThat(h.secret()).isEqualTo(SECRET);
        assertThat(h)
                .extracting(HookOptions::queue, HookOptions::batch, HookOptions::retries)
                .containsExactly(50, 5, 3);
        assertThat(h.linger()).isEqualTo(Duration.ofMillis(10));
        assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(h.backoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.toString()).doesNotContain(SECRET);
    }

    @Test
    void badValuesAreRefusedNamingTheOptionNeverShowingTheSecret() {
        Map<String, String> env = Map.of("WARREN_HOOK_SECRET", SECRET);
        assertThatThrownBy(() -> hooks(env, "--hook-url=ftp://app.example/x"))
                .hasMessageContaining("hook-url")
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> hooks(env, "--hook-url=http:app")).hasMessageContaining("hook-url");
        assertThatThrownBy(() -> hooks(Map.of(), "--hook-url=http://app/x"))
                .hasMessageContaining("hook-url needs a hook-secret");
        assertThatThrownBy(() -> hooks(Map.of(), "--hook-url=http://app/x", "--hook-secret=short-hunter2"))
                .hasMessageContaining("hook-secret")
                .hasMessageNotContaining("short-hunter2");
        assertThatThrownBy(() -> hooks(env, "--hook-queue=0")).hasMessageContaining("hook-queue");
        assertThatThrownBy(() -> hooks(env, "--hook-retries=-1")).hasMessageContaining("hook-retries");
        assertThatThrownBy(() -> hooks(env, "--hook-linger=soon")).hasMessageContaining("hook-linger");
    }

    @Test
    void printConfigMasksTheSecret() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WarrenConfig.load(
                new String[] {"--hook-url=http://app/x", "--print-config"},
                Map.of("WARREN_HOOK_SECRET", SECRET),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("hook-url: http://app/x   # flag", "hook-secret: '****'   # env WARREN_HOOK_SECRET")
                .doesNotContain("hunter2");
    }

    @Test
    void theServerRefusesABadHookUrlAtStartWithExitCode2() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.warren.server.Main",
                "--port=0",
                "--hook-url=gopher://app/x"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("WARREN_"));
        pb.environment().put("WARREN_HOOK_SECRET", SECRET);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("warren: hook-url: 'gopher://app/x'").doesNotContain("hunter2");
    }
}
