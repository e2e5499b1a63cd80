package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.spi.Authorizer;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Rules for anonymous clients, and an embedding application's asynchronous {@link Authorizer}. */
class AuthorizationTest {

    @Test
    void anonymousRulesAllowWhatTheyListAndDenyTheRest() {
        SecurityOptions s = SecurityOptions.defaults().withAnonymous(List.of("/public/**"), List.of("/public/chat"));
        try (TestServer server = TestServer.start(o -> o.withSecurity(s));
                TunnelClient c = server.open("sse", "subscribe=/public/*", "subscribe=/private/*")) {
            JsonNode open = c.awaitOpen();
            assertThat(open.get("refused")).hasSize(1);
            assertThat(open.get("refused").get(0).asText()).isEqualTo("/private/*");
            String t = c.tunnel();
            JsonNode acks = server.events("[" + JwtAuthTest.meta(t, "subscribe", "/public/a/b") + ","
                    + JwtAuthTest.meta(t, "subscribe", "/**")
                    + ",{\"tunnel\":\"" + t + "\",\"path\":\"/public/chat\",\"data\":\"hello\"}"
                    + ",{\"tunnel\":\"" + t + "\",\"path\":\"/public/news\",\"data\":\"fake\"}]");
            assertThat(acks.get(0).get("ok").asBoolean()).isTrue();
            assertThat(acks.get(1).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(2).get("ok").asBoolean()).isTrue();
            assertThat(acks.get(3).get("error").asText()).isEqualTo("forbidden");
            assertThat(c.next().get("data").asText()).isEqualTo("hello");
            server.publish("[{\"path\":\"/private/x\",\"data\":0},{\"path\":\"/public/a/b\",\"data\":1}]");
            assertThat(c.next().get("data").asInt()).isEqualTo(1);
        }
    }

    @Test
    void withoutRulesEverythingIsAllowed() {
        try (TestServer server = TestServer.start();
                TunnelClient c = server.open("stream", "subscribe=/any/*")) {
            assertThat(c.awaitOpen().has("refused")).isFalse();
        }
    }

    /** An application's own authorizer that answers later, from another thread, as a remote check would. */
    static final class AsyncAuthorizer implements Authorizer {
        final Executor later = CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS);

        @Override
        public CompletionStage<Boolean> canOpen(Identity identity, OpenRequest request) {
            return CompletableFuture.supplyAsync(() -> !"evil".equals(request.header("X-Who")), later);
        }

        @Override
        public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
            if (pattern.wirePath().startsWith("/boom")) {
                throw new IllegalStateException("authorizer bug"); // a failure is a refusal
            }
            return CompletableFuture.supplyAsync(() -> pattern.wirePath().startsWith("/ok"), later);
        }

        // canPublish not overridden: deny by default
    }

    @Test
    void anAsynchronousAuthorizerDecidesAndDeniesByDefault() {
        try (TestServer server = TestServer.start(o -> o, b -> b.authorizer(new AsyncAuthorizer()));
                TunnelClient c = server.open("sse", "subscribe=/ok/a", "subscribe=/no/a", "subscribe=/boom/a")) {
            JsonNode open = c.awaitOpen();
            assertThat(open.get("refused")).extracting(JsonNode::asText).containsExactly("/no/a", "/boom/a");
            String t = c.tunnel();
            JsonNode acks = server.events(
                    "[" + JwtAuthTest.meta(t, "subscribe", "/ok/b") + "," + JwtAuthTest.meta(t, "subscribe", "/no/b")
                            + ",{\"tunnel\":\"" + t + "\",\"path\":\"/ok/a\",\"data\":\"x\"}]");
            assertThat(acks.get(0).get("ok").asBoolean()).isTrue();
            assertThat(acks.get(1).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(2).get("error").asText()).isEqualTo("forbidden");
            server.publish("[{\"path\":\"/no/b\",\"data\":0},{\"path\":\"/ok/b\",\"data\":1}]");
            assertThat(c.next().get("data").asInt()).isEqualTo(1);

            TestServer.Response refused = server.get("/tunnel?format=sse&new=1", "X-Who", "evil");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("error").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void permissionsCoverage() {
        io.warren.spi.Permissions p =
                io.warren.spi.Permissions.parse(List.of("/a/**", "/b", "/b/*", "/c/*"), List.of("/a/**", "/client/*"));
        assertThat(p.allowsSubscribe(PathPattern.parse("/a/x/y"))).isTrue();
        assertThat(p.allowsSubscribe(PathPattern.parse("/a/*"))).isTrue();
        assertThat(p.allowsSubscribe(PathPattern.parse("/a/x/**"))).isTrue();
        assertThat(p.allowsSubscribe(PathPattern.parse("/a/x", true))).isTrue();
        assertThat(p.allowsSubscribe(PathPattern.parse("/a", true))).isFalse();
        assertThat(p.allowsSubscribe(PathPattern.parse("/a"))).isFalse();
        assertThat(p.allowsSubscribe(PathPattern.parse("/b/*"))).isTrue();
        assertThat(p.allowsSubscribe(PathPattern.parse("/b/**"))).isFalse();
        assertThat(p.allowsSubscribe(PathPattern.parse("/c/x"))).isTrue();
        assertThat(p.allowsSubscribe(PathPattern.parse("/c/x/y"))).isFalse();
        assertThat(p.allowsSubscribe(PathPattern.parse("/**"))).isFalse();
        assertThat(p.allowsPublish(Path.of("/a/b"))).isTrue();
        assertThat(p.allowsPublish(Path.of("/b"))).isFalse();
        assertThat(p.allowsPublish(Path.of("/client/abc"))).isTrue();
        assertThat(io.warren.spi.Permissions.parse(List.of("/a", "/a/**"), List.of())
                        .allowsSubscribe(PathPattern.parse("/a", true)))
                .isTrue();
        assertThat(io.warren.spi.Permissions.parse(List.of("/**"), List.of("/**"))
                        .allowsPublish(Path.of("/client/abc")))
                .isFalse();
    }
}
