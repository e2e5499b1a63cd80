package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.ErrorCode;
import io.warren.datagram.Datagram;
import io.warren.format.Formats;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.Authorizer;
import io.warren.spi.Identity;
import io.warren.spi.MapOpenRequest;
import io.warren.spi.OpenRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gate on its own: grants, named trusted and backend grants, and refusals for every answer but {@code true}. */
class AccessGateTest {
    private static final Identity ALICE = new Identity("alice", Map.of());
    private final ManualShardExecutor exec = new ManualShardExecutor();
    private Node node;

    /** Answers by the path's first segment: /true allows, anything else refuses in its own way; records every question. */
    static final class Answers implements Authorizer {
        final List<String> asked = new CopyOnWriteArrayList<>();
        volatile CompletableFuture<Boolean> later = new CompletableFuture<>();

        private CompletionStage<Boolean> answer(String path) {
            asked.add(path);
            String first = path.split("/")[1];
            return switch (first) {
                case "true" -> ALLOW;
                case "false" -> DENY;
                case "throws" -> throw new IllegalStateException("authorizer bug");
                case "null-stage" -> null;
                case "null-value" -> CompletableFuture.completedFuture(null);
                case "failed" -> CompletableFuture.failedFuture(new IllegalStateException("remote check failed"));
                case "later" -> later;
                default -> throw new AssertionError(path);
            };
        }

        @Override
        public CompletionStage<Boolean> canOpen(Identity identity, OpenRequest request) {
            return answer(request.header("path"));
        }

        @Override
        public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
            return answer(pattern.wirePath());
        }

        @Override
        public CompletionStage<Boolean> canPublish(Identity identity, Path path) {
            return answer(path.toString());
        }
    }

    private static final List<String> REFUSING =
            List.of("/false/x", "/throws/x", "/null-stage/x", "/null-value/x", "/failed/x");

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private static List<PathPattern> patterns(List<String> texts) {
        return texts.stream().map(PathPattern::parse).toList();
    }

    private static <T> T now(CompletionStage<T> stage) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        assertThat(f).isDone();
        return f.join();
    }

    /** A real tunnel of {@code identity}, opened through a node on the manual executor. */
    private Tunnel tunnel(Identity identity) {
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .executors(List.of(exec))
                .clock(exec::now)
                .authenticator(r -> CompletableFuture.completedFuture(identity))
                .build();
        node.start();
        CompletionStage<Tunnel> t = node.open(
                NodeSecurityTest.from("10.0.0.1"),
                node.shardFor(exec),
                List.of(),
                new RecordingConnection(Formats.builtIn().get("stream")));
        exec.runPending();
        return now(t);
    }

    @Test
    void subscribeGrantsInRequestOrderAndListsTheRefused() {
        Answers answers = new Answers();
        AccessGate gate = new AccessGate(answers);
        AccessGate.Grants grants = now(gate.subscribe(ALICE, patterns(List.of("/true/a", "/false/b", "/true/c/*"))));
        assertThat(grants.granted())
                .extracting(AccessGate.SubscribeGrant::pattern)
                .containsExactlyElementsOf(patterns(List.of("/true/a", "/true/c/*")));
        assertThat(grants.refused()).containsExactlyElementsOf(patterns(List.of("/false/b")));
        assertThat(answers.asked).containsExactly("/true/a", "/false/b", "/true/c/*");
        assertThat(now(gate.subscribe(ALICE, List.of()))).isEqualTo(AccessGate.Grants.NONE);
    }

    @Test
    void falseNullAFailedStageAndAnExceptionAreAllRefusals() {
        AccessGate gate = new AccessGate(new Answers());
        AccessGate.Grants grants = now(gate.subscribe(ALICE, patterns(REFUSING)));
        assertThat(grants.granted()).isEmpty();
        assertThat(grants.refused()).containsExactlyElementsOf(patterns(REFUSING));
        for (String path : REFUSING) {
            OpenRequest r = new MapOpenRequest("10.0.0.1", Map.of("path", path), Map.of(), Map.of());
            assertThat(now(gate.open(ALICE, r))).as(path).isFalse();
        }
    }

    @Test
    void aClientPublishesToItsOwnPathWithoutAskingAndElsewhereOnlyWhenAllowed() {
        Answers answers = new Answers();
        AccessGate gate = new AccessGate(answers);
        Tunnel t = tunnel(ALICE);
        Datagram own = new Datagram("1", t.clientPath(), "1", t.clientId());
        assertThat(now(gate.publish(t, own)).datagram()).isSameAs(own);
        assertThat(answers.asked).isEmpty();
        Datagram allowed = new Datagram("2", Path.of("/true/x"), "1", t.clientId());
        assertThat(now(gate.publish(t, allowed)).datagram()).isSameAs(allowed);
        for (String path : REFUSING) {
            CompletableFuture<AccessGate.PublishGrant> refused = gate.publish(
                            t, new Datagram("3", Path.of(path), "1", t.clientId()))
                    .toCompletableFuture();
            assertThat(refused).as(path).isCompletedExceptionally();
            assertThat(refused.handle((g, e) -> AccessGate.refusal(e).code()).join())
                    .isEqualTo(ErrorCode.FORBIDDEN);
        }
        assertThat(answers.asked)
                .containsExactlyElementsOf(
                        Stream.concat(Stream.of("/true/x"), REFUSING.stream()).toList());
    }

    @Test
    void trustedGrantsAreNotAskedAndMayNameMetaPaths() {
        Authorizer never = new Authorizer() {
            @Override
            public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
                throw new AssertionError("a trusted open is not asked");
            }
        };
        AccessGate.Grants grants = new AccessGate(never).trusted(ALICE, patterns(List.of("/meta/admin/stats")));
        assertThat(grants.granted())
                .extracting(AccessGate.SubscribeGrant::pattern)
                .containsExactly(PathPattern.parse("/meta/admin/stats"));
        assertThat(grants.refused()).isEmpty();
    }

    @Test
    void theBackendNeverPublishesToMetaPathsAndCodeInTheProcessMay() {
        AccessGate gate = new AccessGate(Authorizer.byPermissions(io.warren.spi.Permissions.NONE));
        Datagram meta = new Datagram("1", Path.of("/meta/admin/stats"), "{}", null);
        assertThatThrownBy(() -> gate.backend(meta))
                .isInstanceOfSatisfying(
                        io.warren.WarrenException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThat(gate.inProcess(meta).datagram()).isSameAs(meta);
        Datagram anywhere = new Datagram("2", Path.of("/client/abc"), "1", null);
        assertThat(gate.backend(anywhere).datagram()).isSameAs(anywhere);
    }

    @Test
    void aGrantIsBoundToTheIdentityItWasGivenFor() {
        Tunnel bobs = tunnel(new Identity("bob", Map.of()));
        AccessGate.SubscribeGrant forAlice = now(new AccessGate(Authorizer.allowAll())
                        .subscribe(ALICE, patterns(List.of("/a"))))
                .granted()
                .get(0);
        assertThatThrownBy(() -> bobs.addInterest(forAlice, PathPattern.parse("/a")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> bobs.shard().listen(bobs, forAlice)).isInstanceOf(IllegalStateException.class);
        assertThat(bobs.interestCount()).isZero();
    }

    @Test
    void aLaterAnswerForALiveTunnelResumesOnItsShardThread() {
        Answers answers = new Answers();
        Tunnel t = tunnel(ALICE);
        CompletableFuture<AccessGate.SubscribeGrant> grant = new AccessGate(answers)
                .subscribe(t, PathPattern.parse("/later/x"))
                .toCompletableFuture();
        assertThat(grant).isNotDone();
        answers.later.complete(true);
        assertThat(grant).as("waits for the tunnel's shard").isNotDone();
        exec.runPending();
        assertThat(grant.join().pattern()).isEqualTo(PathPattern.parse("/later/x"));

        CompletableFuture<AccessGate.SubscribeGrant> refused = new AccessGate(answers)
                .subscribe(t, PathPattern.parse("/false/x"))
                .toCompletableFuture();
        assertThat(refused).as("an answer already known is given at once").isCompletedExceptionally();
    }

    /**
     * The compiler makes {@link Tunnel#addInterest}, {@link Shard#listen} and {@link Publishing#publish} take a
     * grant (Tunnel adds to its InterestSet there); this checks that nothing else in warren-core reaches the
     * routing index, a tunnel's interest set or the broker's publish.
     */
    @Test
    void onlyMethodsTakingAGrantReachTheRoutingIndexAndTheBroker() throws IOException {
        java.nio.file.Path main = java.nio.file.Path.of("src/main/java");
        List<String> reaches = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(main)) {
            for (java.nio.file.Path f :
                    files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Files.readString(f);
                Matcher m = Pattern.compile("broker\\.publish\\(|\\binterests\\.add\\(")
                        .matcher(src);
                while (m.find()) {
                    reaches.add(f.getFileName() + ": " + m.group() + " in " + enclosingSignature(src, m.start()));
                }
            }
        }
        assertThat(reaches)
                .hasSize(3)
                .allSatisfy(r -> assertThat(r).containsPattern("AccessGate\\.(Publish|Subscribe)Grant"));
    }

    /** The declaration of the method around {@code at}: from the last member declaration before it to its brace. */
    private static String enclosingSignature(String src, int at) {
        Matcher decl = Pattern.compile("\\n    (?:[a-z]+ )*[A-Za-z<>?,. ]+ [a-zA-Z]+\\([^)]*\\)[^{;]*\\{")
                .matcher(src);
        String last = "?";
        while (decl.find() && decl.start() < at) {
            last = decl.group().trim();
        }
        return last;
    }

    @Test
    void theBackendGrantsATunnelAnyPatternAClientCouldNameWithoutAsking() {
        Authorizer never = new Authorizer() {
            @Override
            public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
                throw new AssertionError("the backend is not asked about");
            }
        };
        Tunnel t = tunnel(ALICE);
        AccessGate gate = new AccessGate(never);
        assertThat(gate.backend(t, PathPattern.parse("/news/**")).patternFor(t))
                .isEqualTo(PathPattern.parse("/news/**"));
        for (String p : List.of("/meta/open", "/client/abc", "/client/*")) {
            assertThatThrownBy(() -> gate.backend(t, PathPattern.parse(p)))
                    .as(p)
                    .isInstanceOfSatisfying(
                            io.warren.WarrenException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        }
    }

    /** Issue 15: an answer that arrives after a /meta/refresh replaced the identity is asked again for the new one. */
    @Test
    void anAnswerForAnIdentityARefreshReplacedIsAskedAgainForTheNewOne() {
        Answers answers = new Answers();
        Tunnel t = tunnel(ALICE);
        CompletableFuture<AccessGate.SubscribeGrant> grant = new AccessGate(answers)
                .subscribe(t, PathPattern.parse("/later/x"))
                .toCompletableFuture();
        Identity refreshed = new Identity("alice", Map.of("token", "fresh"));
        t.reidentify(refreshed);
        answers.later.complete(true);
        exec.runPending();
        assertThat(answers.asked).containsExactly("/later/x", "/later/x");
        assertThat(grant.join().isFor(t))
                .as("granted for the identity the tunnel has now")
                .isTrue();
        assertThatThrownBy(() -> t.addInterest(grant.join(), PathPattern.parse("/later/y")))
                .as("a shared instance must be the granted pattern")
                .isInstanceOf(IllegalArgumentException.class);
        t.addInterest(
                grant.join(),
                PathPattern.parse("/later/x")); // accepted: no grant for a replaced identity reaches the tunnel
        assertThat(t.hasInterest(PathPattern.parse("/later/x"))).isTrue();
    }
}
