package io.warren.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.warren.engine.Node;
import io.warren.engine.Tunnel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small rooms: no main source file of warren-core over 400 lines, none of warren-server over 300 (as
 * formatted by Spotless, which the build checks first), and a tunnel never reaches up into its node.
 */
class SourceSizeTest {
    static final int CORE_LIMIT = 400;
    static final int SERVER_LIMIT = 300;

    /** warren-server's directory: surefire sets {@code basedir}; an IDE runs tests from the module too. */
    private static final Path SERVER =
            Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

    private static final Path CORE = SERVER.resolveSibling("warren-core");

    @Test
    void noWarrenCoreMainSourceFileIsOver400Lines() {
        assertThat(oversized(CORE.resolve("src/main/java"), CORE_LIMIT))
                .as("warren-core main sources over %d lines: split them by concern", CORE_LIMIT)
                .isEmpty();
    }

    @Test
    void noWarrenServerMainSourceFileIsOver300Lines() {
        assertThat(oversized(SERVER.resolve("src/main/java"), SERVER_LIMIT))
                .as("warren-server main sources over %d lines: split them by concern", SERVER_LIMIT)
                .isEmpty();
    }

    @Test
    void anOversizedFileIsNamedWithItsLength(@TempDir Path dir) throws IOException {
        Path pkg = Files.createDirectories(dir.resolve("io/warren/x"));
        Files.writeString(pkg.resolve("Big.java"), "a\nb\nc\nd\n");
        Files.writeString(pkg.resolve("Fits.java"), "a\nb\nc\n");
        Files.writeString(pkg.resolve("notes.txt"), "a\nb\nc\nd\ne\n");

        assertThat(oversized(dir, 3)).containsExactly("io/warren/x/Big.java: 4 lines");
    }

    /** The tunnel reaches its node through a narrow context interface, never through {@code Node} itself. */
    @Test
    void tunnelHasNoReferenceToNode() {
        JavaClasses engine = new ClassFileImporter().importPackagesOf(Tunnel.class);
        assertThat(engine.contain(Node.class)).as("Node imported").isTrue();
        TUNNEL_NOT_NODE.check(engine);
    }

    @Test
    void aTunnelThatReferencesNodeFailsTheRule() {
        JavaClasses bad = new ClassFileImporter().importClasses(ReachesUp.class, Node.class);
        ArchRule rule = noClasses()
                .that()
                .haveSimpleNameStartingWith("ReachesUp")
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(Node.class);
        assertThatThrownBy(() -> rule.check(bad))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ReachesUp")
                .hasMessageContaining("io.warren.engine.Node");
    }

    /** Tunnel and its nested classes. */
    private static final ArchRule TUNNEL_NOT_NODE = noClasses()
            .that()
            .belongToAnyOf(Tunnel.class)
            .should()
            .dependOnClassesThat()
            .belongToAnyOf(Node.class)
            .because("a tunnel reaches its node through a narrow context, so Node can change without it");

    /** A stand-in for a tunnel that calls up into its node. */
    static final class ReachesUp {
        int tunnels(Node node) {
            return node.tunnelCount();
        }
    }

    /** Each {@code .java} file under {@code root} longer than {@code limit} lines, as "relative/path: n lines". */
    static List<String> oversized(Path root, int limit) {
        assertThat(root).as("source root").isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .sorted()
                    .map(p -> new Sized(root.relativize(p).toString().replace('\\', '/'), lineCount(p)))
                    .filter(f -> f.lines() > limit)
                    .map(f -> f.file() + ": " + f.lines() + " lines")
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Sized(String file, long lines) {}

    private static long lineCount(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
