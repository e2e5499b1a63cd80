package io.warren.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.path.Path;
import io.warren.path.PathPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InterestIndexTest {

    private static List<String> match(InterestIndex<String> index, String path) {
        List<String> out = new ArrayList<>();
        index.match(Path.of(path), out::add);
        return out;
    }

    @Test
    void routesByKindAndBase() {
        InterestIndex<String> index = new InterestIndex<>();
        index.add(PathPattern.parse("/a/b/c"), "exact");
        index.add(PathPattern.parse("/a/b/*"), "children");
        index.add(PathPattern.parse("/a/**"), "descendants");
        index.add(PathPattern.parse("/**"), "all");
        index.add(PathPattern.parse("/a/b", true), "subtree");
        index.add(PathPattern.parse("/x/*"), "other");

        assertThat(match(index, "/a/b/c"))
                .containsExactlyInAnyOrder("exact", "children", "descendants", "all", "subtree");
        assertThat(match(index, "/a/b")).containsExactlyInAnyOrder("descendants", "all", "subtree");
        assertThat(match(index, "/a")).containsExactlyInAnyOrder("all");
        assertThat(match(index, "/a/b/c/d")).containsExactlyInAnyOrder("descendants", "all", "subtree");
        assertThat(match(index, "/q")).containsExactly("all");
        assertThat(match(index, "/meta/open")).isEmpty();
        assertThat(index.size()).isEqualTo(6);
    }

    @Test
    void removeDropsOnlyThatPair() {
        InterestIndex<String> index = new InterestIndex<>();
        PathPattern p = PathPattern.parse("/a/*");
        index.add(p, "s1");
        index.add(p, "s2");
        assertThat(index.remove(p, "s1")).isTrue();
        assertThat(index.remove(p, "s1")).isFalse();
        assertThat(match(index, "/a/z")).containsExactly("s2");
        assertThat(index.remove(p, "s2")).isTrue();
        assertThat(match(index, "/a/z")).isEmpty();
        assertThat(index.size()).isZero();
    }

    /** The index must agree with PathPattern.matches, the definition, on random patterns and paths. */
    @Test
    void agreesWithPatternMatchingOnRandomInput() {
        Random r = new Random(42);
        String[] seg = {"a", "b", "c"};
        List<PathPattern> patterns = new ArrayList<>();
        InterestIndex<PathPattern> index = new InterestIndex<>();
        for (int i = 0; i < 200; i++) {
            StringBuilder sb = new StringBuilder();
            int depth = 1 + r.nextInt(3);
            for (int d = 0; d < depth; d++) {
                sb.append('/').append(seg[r.nextInt(seg.length)]);
            }
            int kind = r.nextInt(4);
            PathPattern p = switch (kind) {
                case 0 -> PathPattern.parse(sb.toString());
                case 1 -> PathPattern.parse(sb + "/*");
                case 2 -> PathPattern.parse(sb + "/**");
                default -> PathPattern.parse(sb.toString(), true);
            };
            if (!patterns.contains(p)) {
                patterns.add(p);
                index.add(p, p);
            }
        }
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder();
            int depth = 1 + r.nextInt(5);
            for (int d = 0; d < depth; d++) {
                sb.append('/').append(seg[r.nextInt(seg.length)]);
            }
            Path path = Path.of(sb.toString());
            List<PathPattern> expected =
                    patterns.stream().filter(p -> p.matches(path)).toList();
            List<PathPattern> actual = new ArrayList<>();
            index.match(path, actual::add);
            assertThat(actual).as(path.toString()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
