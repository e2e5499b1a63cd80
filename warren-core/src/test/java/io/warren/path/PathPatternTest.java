package io.warren.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.ErrorCode;
import io.warren.WarrenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternTest {

    @Test
    void exactMatchesOnlyItself() {
        PathPattern p = PathPattern.parse("/a/b");
        assertThat(p.kind()).isEqualTo(PathPattern.Kind.EXACT);
        assertThat(p.matches(Path.of("/a/b"))).isTrue();
        assertThat(p.matches(Path.of("/a"))).isFalse();
        assertThat(p.matches(Path.of("/a/b/c"))).isFalse();
        assertThat(p.matches(Path.of("/a/bc"))).isFalse();
    }

    @Test
    void starMatchesOneSegmentBelowButNotTheParent() {
        PathPattern p = PathPattern.parse("/a/*");
        assertThat(p.kind()).isEqualTo(PathPattern.Kind.CHILDREN);
        assertThat(p.matches(Path.of("/a/b"))).isTrue();
        assertThat(p.matches(Path.of("/a"))).isFalse();
        assertThat(p.matches(Path.of("/a/b/c"))).isFalse();
        assertThat(p.matches(Path.of("/ab/c"))).isFalse();
    }

    @Test
    void doubleStarMatchesAnyDepthBelowButNotTheParent() {
        PathPattern p = PathPattern.parse("/a/**");
        assertThat(p.kind()).isEqualTo(PathPattern.Kind.DESCENDANTS);
        assertThat(p.matches(Path.of("/a/b"))).isTrue();
        assertThat(p.matches(Path.of("/a/b/c/d"))).isTrue();
        assertThat(p.matches(Path.of("/a"))).isFalse();
        assertThat(p.matches(Path.of("/ab"))).isFalse();
        assertThat(p.matches(Path.of("/ab/c"))).isFalse();
    }

    @Test
    void subpathsMatchesThePathAndEverythingBelow() {
        PathPattern p = PathPattern.parse("/a", true);
        assertThat(p.kind()).isEqualTo(PathPattern.Kind.SUBTREE);
        assertThat(p.matches(Path.of("/a"))).isTrue();
        assertThat(p.matches(Path.of("/a/b/c"))).isTrue();
        assertThat(p.matches(Path.of("/ab"))).isFalse();
        assertThat(p.wirePath()).isEqualTo("/a");
        assertThat(p).isNotEqualTo(PathPattern.parse("/a")).isNotEqualTo(PathPattern.parse("/a/**"));
    }

    @Test
    void rootWildcardsMatchEverythingButControlAndClientPaths() {
        PathPattern all = PathPattern.parse("/**");
        assertThat(all.matches(Path.of("/x"))).isTrue();
        assertThat(all.matches(Path.of("/x/y/z"))).isTrue();
        assertThat(all.matches(Path.of("/meta/open"))).isFalse();
        assertThat(all.matches(Path.of("/client/abc"))).isFalse();
        assertThat(PathPattern.parse("/*").matches(Path.of("/x"))).isTrue();
        assertThat(PathPattern.parse("/client/*").matches(Path.of("/client/abc")))
                .isFalse();
        assertThat(PathPattern.parse("/client/abc").matches(Path.of("/client/abc")))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "", "a", "/", "//a", "/a/", "/a//b", "/a/*/b", "/a/***", "/a*", "/a/b c", "/a/<", "/a/..", "/./a", "/é",
                "/a?b", "/a#b", "/a/%20"
            })
    void malformedPatternsAreBadPath(String text) {
        assertThatThrownBy(() -> PathPattern.parse(text))
                .isInstanceOf(WarrenException.class)
                .satisfies(e -> assertThat(((WarrenException) e).code()).isEqualTo(ErrorCode.BAD_PATH));
    }

    @Test
    void starsAreNotAllowedWithSubpathsNorInPaths() {
        assertThatThrownBy(() -> PathPattern.parse("/a/*", true)).isInstanceOf(WarrenException.class);
        assertThatThrownBy(() -> Path.of("/a/*")).isInstanceOf(WarrenException.class);
    }

    @Test
    void limitsOfLengthAndDepth() {
        String deep = "/a".repeat(Path.MAX_DEPTH);
        assertThat(Path.of(deep).depth()).isEqualTo(Path.MAX_DEPTH);
        assertThatThrownBy(() -> Path.of(deep + "/a")).isInstanceOf(WarrenException.class);
        String longest = "/" + "x".repeat(Path.MAX_LENGTH - 1);
        assertThat(Path.of(longest).toString()).hasSize(Path.MAX_LENGTH);
        assertThatThrownBy(() -> Path.of(longest + "x")).isInstanceOf(WarrenException.class);
    }

    @Test
    void pathParts() {
        Path p = Path.of("/a/b/c");
        assertThat(p.depth()).isEqualTo(3);
        assertThat(p.parent()).isEqualTo("/a/b");
        assertThat(p.prefixes()).containsExactly("/a", "/a/b", "/a/b/c");
        assertThat(p.segment(1)).isEqualTo("b");
        assertThat(Path.of("/a").parent()).isEqualTo("/");
        assertThat(Path.of("/meta/open").isMeta()).isTrue();
        assertThat(Path.of("/metadata").isMeta()).isFalse();
        assertThat(Path.of("/client/x").isClient()).isTrue();
        assertThat(Path.of("/a-b_c.d~e:f@g!h$i+j,k;l=m").depth()).isEqualTo(1);
    }

    @Test
    void metaPatternsAreForbiddenToClients() {
        assertThatThrownBy(() -> PathPattern.parse("/meta/*").requireNotMeta())
                .satisfies(e -> assertThat(((WarrenException) e).code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> PathPattern.parse("/meta/open").requireNotMeta())
                .isInstanceOf(WarrenException.class);
        assertThatThrownBy(() -> PathPattern.parse("/meta", true).requireNotMeta())
                .isInstanceOf(WarrenException.class);
        assertThat(PathPattern.parse("/metadata").requireNotMeta().key()).isEqualTo("/metadata");
    }
}
