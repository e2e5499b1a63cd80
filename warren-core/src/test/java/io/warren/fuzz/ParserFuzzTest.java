package io.warren.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.WarrenException;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.ClientDatagramParser;
import io.warren.format.Encoding;
import io.warren.format.Template;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.Permissions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Malformed input thrown at the parsers: each either succeeds with a consistent result or refuses with a
 * {@link WarrenException} (an error code for the client); nothing else escapes. Plus soundness of
 * permission coverage: whatever {@link Permissions} allows to subscribe, the allowed patterns really match.
 */
class ParserFuzzTest {

    @Provide
    Arbitrary<String> pathish() {
        Arbitrary<String> fragments = Arbitraries.of(
                "/", "a", "b", "*", "**", ".", "..", "meta", "client", "%2F", "é", " ", "\u0000", "\u2028", "<", "\"",
                "\\", "{", "}", "~", "-", "_", "?", "#", "//");
        return Arbitraries.oneOf(
                fragments.list().ofMaxSize(24).map(l -> String.join("", l)),
                Arbitraries.strings().ofMaxLength(300));
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> tokens = Arbitraries.of(JsonTokens.TOKENS);
        return Arbitraries.oneOf(
                tokens.list().ofMaxSize(40).map(l -> String.join("", l)),
                Arbitraries.strings().ofMaxLength(200));
    }

    @Property(tries = 1000)
    void pathsParseOrRefuse(@ForAll("pathish") String text) {
        try {
            Path p = Path.of(text);
            assertThat(p.toString()).isEqualTo(text);
            assertThat(Path.of(p.toString())).isEqualTo(p);
            assertThat(p.depth()).isBetween(Path.MIN_DEPTH, Path.MAX_DEPTH);
        } catch (WarrenException e) {
            assertThat(e.code().wireName()).isEqualTo("bad-path");
        }
    }

    @Property(tries = 1000)
    void patternsParseOrRefuse(@ForAll("pathish") String text, @ForAll boolean subpaths) {
        try {
            PathPattern p = PathPattern.parse(text, subpaths);
            assertThat(PathPattern.parse(p.wirePath(), p.kind() == PathPattern.Kind.SUBTREE))
                    .isEqualTo(p);
        } catch (WarrenException e) {
            assertThat(e.code().wireName()).isEqualTo("bad-path");
        }
    }

    @Property(tries = 1000)
    void clientDatagramsParseOrRefuse(@ForAll("jsonish") String body) {
        try {
            List<ClientDatagram> out = ClientDatagramParser.parse(body.getBytes(StandardCharsets.UTF_8));
            assertThat(out).isNotEmpty();
            for (ClientDatagram d : out) {
                assertThat(d.error() != null || d.path() != null).isTrue();
            }
        } catch (WarrenException e) {
            assertThat(e.code().httpStatus()).isBetween(400, 499);
        }
    }

    @Property(tries = 1000)
    void templatesCompileOrNameTheProblem(@ForAll("jsonish") String source) {
        try {
            Template t = Template.compile(source, Template.DATAGRAM_PLACEHOLDERS);
            assertThat(t.source()).isEqualTo(source);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("placeholder");
        }
    }

    @Property(tries = 1000)
    void encodingsNeverLetScriptOut(@ForAll("jsonish") String text) {
        for (Encoding e : List.of(Encoding.values())) {
            String out = e.apply(text);
            if (e == Encoding.SCRIPT || e == Encoding.JS_STRING) {
                assertThat(out.toLowerCase(java.util.Locale.ROOT))
                        .doesNotContain("</script")
                        .doesNotContain("<!--");
                assertThat(out).doesNotContain("\u2028").doesNotContain("\u2029");
            }
        }
    }

    @Provide
    Arbitrary<String> pattern() {
        Arbitrary<String> seg = Arbitraries.of("a", "b");
        return seg.list()
                .ofMinSize(1)
                .ofMaxSize(3)
                .flatMap(segs -> Arbitraries.of("", "/*", "/**").map(tail -> "/" + String.join("/", segs) + tail));
    }

    @Provide
    Arbitrary<String> path() {
        return Arbitraries.of("a", "b").list().ofMinSize(1).ofMaxSize(5).map(segs -> "/" + String.join("/", segs));
    }

    @Property(tries = 2000)
    void permissionCoverageIsSound(
            @ForAll("pattern") String allowed1,
            @ForAll("pattern") String allowed2,
            @ForAll("pattern") String wanted,
            @ForAll boolean subpaths,
            @ForAll("path") String probe) {
        Permissions p = Permissions.parse(List.of(allowed1, allowed2), List.of());
        PathPattern w = subpaths && !wanted.endsWith("*") ? PathPattern.parse(wanted, true) : PathPattern.parse(wanted);
        Path x = Path.of(probe);
        if (p.allowsSubscribe(w) && w.matches(x)) {
            assertThat(p.subscribe().stream().anyMatch(a -> a.matches(x)))
                    .as("%s allowed by %s %s but %s escapes", w, allowed1, allowed2, probe)
                    .isTrue();
        }
    }
}
