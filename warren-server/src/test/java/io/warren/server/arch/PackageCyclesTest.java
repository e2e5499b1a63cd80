package io.warren.server.arch;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.warren.engine.Node;
import io.warren.server.WarrenServer;
import io.warren.server.arch.cyclic.a.Left;
import io.warren.server.arch.cyclic.b.Right;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No package of warren-core or warren-server main code depends, through any chain, on a package that
 * depends back on it. Each package is its own slice ({@code io.warren} itself included), so a cycle
 * between a package and its parent counts too.
 */
class PackageCyclesTest {
    /** Every package below {@code io}: {@code io.warren} is slice "warren", {@code io.warren.path} "warren.path". */
    private static final ArchRule NO_CYCLES =
            slices().matching("io.(**)").should().beFreeOfCycles();

    @Test
    void warrenCoreAndServerMainCodeHaveNoPackageCycles() {
        JavaClasses main =
                new ClassFileImporter().importUrls(List.of(location(Node.class), location(WarrenServer.class)));
        assertThat(main.containPackage("io.warren.engine"))
                .as("warren-core imported")
                .isTrue();
        assertThat(main.containPackage("io.warren.server.config"))
                .as("warren-server imported")
                .isTrue();
        assertThat(main.containPackage("io.warren.server.arch.cyclic.a"))
                .as("test code left out")
                .isFalse();
        NO_CYCLES.check(main);
    }

    @Test
    void aPackageCycleFailsTheRule() {
        JavaClasses cyclic = new ClassFileImporter().importClasses(Left.class, Right.class);
        assertThat(cyclic.size()).isEqualTo(2);
        assertThatThrownBy(() -> NO_CYCLES.check(cyclic))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected")
                .hasMessageContaining("arch.cyclic.a")
                .hasMessageContaining("arch.cyclic.b");
    }

    /** The classes directory (reactor build) or jar a class was loaded from: main code only. */
    private static URL location(Class<?> c) {
        URL url = c.getProtectionDomain().getCodeSource().getLocation();
        try {
            assertThat(Path.of(url.toURI()).toString())
                    .as("%s comes from main code", c)
                    .doesNotContain("test-classes");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return url;
    }
}
