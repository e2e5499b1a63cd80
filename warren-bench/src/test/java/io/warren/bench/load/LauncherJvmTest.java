package io.warren.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --server-jvm=launcher} measures the JVM options ./warren really passes. */
class LauncherJvmTest {
    @Test
    void readsTheDefaultsOfTheRealLauncher() throws Exception {
        Path script = Path.of("..", "warren");
        String text = Files.readString(script);
        assertThat(LauncherJvm.options(script))
                .isNotEmpty()
                .allSatisfy(o -> assertThat(o).startsWith("-"))
                .allSatisfy(o -> assertThat(text).contains(o));
    }

    @Test
    void readsTheDefaultBetweenTheBraces(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("warren");
        Files.writeString(script, "exec java ${WARREN_JAVA_OPTS:- -Xmx64m  -XX:+UseSerialGC } -jar x.jar \"$@\"\n");
        assertThat(LauncherJvm.options(script)).containsExactly("-Xmx64m", "-XX:+UseSerialGC");
    }

    @Test
    void aLauncherWithoutDefaultsIsAnError(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("warren");
        Files.writeString(script, "exec java $WARREN_JAVA_OPTS -jar x.jar\n");
        assertThatThrownBy(() -> LauncherJvm.options(script))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("WARREN_JAVA_OPTS");
        Files.writeString(script, "exec java ${WARREN_JAVA_OPTS:-} -jar x.jar\n");
        assertThatThrownBy(() -> LauncherJvm.options(script)).isInstanceOf(IOException.class);
    }
}
