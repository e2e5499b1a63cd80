package io.warren.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options the {@code ./warren} launcher passes when {@code WARREN_JAVA_OPTS} is unset, read from the
 * script itself ({@code ${WARREN_JAVA_OPTS:-...}}), so that a benchmark measures the defaults users get
 * and not a copy that drifts from them.
 */
public final class LauncherJvm {
    /** The value of {@code --server-jvm} that stands for the launcher's defaults. */
    public static final String NAME = "launcher";

    private static final Pattern DEFAULT = Pattern.compile("\\$\\{WARREN_JAVA_OPTS:-([^}]*)}");

    private LauncherJvm() {}

    /** The launcher's default JVM options; fails when the script has no {@code ${WARREN_JAVA_OPTS:-...}}. */
    public static List<String> options(Path script) throws IOException {
        Matcher m = DEFAULT.matcher(Files.readString(script));
        if (!m.find() || m.group(1).isBlank()) {
            throw new IOException("no ${WARREN_JAVA_OPTS:-...} default in " + script);
        }
        return Arrays.asList(m.group(1).trim().split("\\s+"));
    }
}
