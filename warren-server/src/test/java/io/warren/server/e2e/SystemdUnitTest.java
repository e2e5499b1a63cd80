package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** deploy/systemd/warren.service is a unit systemd accepts, with the settings docs/deploy.md promises. */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("..", "deploy", "systemd", "warren.service")
            .toAbsolutePath()
            .normalize();

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        Path analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        if (analyze == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("systemd-analyze is not installed (./run-tests installs Debian's systemd)");
            }
            assumeTrue(false, "systemd-analyze is not installed");
        }
        Process p = new ProcessBuilder(analyze.toString(), "verify", UNIT.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out)
                .as("warnings from systemd-analyze")
                .doesNotContain(UNIT.getFileName().toString() + ":");
    }

    @Test
    void unitCarriesTheLimitsAndSignals() throws Exception {
        String unit = Files.readString(UNIT);
        assertThat(unit)
                .contains(
                        "LimitNOFILE=1048576",
                        "ExecReload=/bin/kill -HUP $MAINPID",
                        "KillSignal=SIGTERM",
                        "SuccessExitStatus=143",
                        "Environment=WARREN_CONFIG=/etc/warren/warren.yml",
                        "-jar /opt/warren/warren.jar");
    }

    /**
     * The memory defaults were chosen from measurements (docs/performance.md, "Default JVM settings"): the
     * unit starts the JVM with the same ones as ./warren, plus what only a service needs.
     */
    @Test
    void unitStartsTheJvmWithTheLaunchersDefaults() throws Exception {
        String launcher = Files.readString(Path.of("..", "warren"));
        Matcher m = Pattern.compile("\\$\\{WARREN_JAVA_OPTS:-([^}]*)}").matcher(launcher);
        assertThat(m.find()).as("./warren has a WARREN_JAVA_OPTS default").isTrue();
        String execStart = Files.readString(UNIT)
                .lines()
                .filter(l -> l.startsWith("ExecStart="))
                .findFirst()
                .orElseThrow();
        assertThat(execStart.split(" ")).contains(m.group(1).trim().split("\\s+"));
        assertThat(execStart).contains("-XX:+ExitOnOutOfMemoryError").doesNotContain("-XX:+AlwaysPreTouch");
    }
}
