package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
}
