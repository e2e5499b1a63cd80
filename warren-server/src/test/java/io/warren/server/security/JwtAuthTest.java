package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.warren.NodeOptions;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import io.warren.server.support.TunnelClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JWT authentication and the permissions claim, over real HTTP: HS256, RS256 from PEM, ES256 from a JWKS file. */
class JwtAuthTest {
    static final RSAKey RSA = Tokens.rsa("r1");
    static final ECKey EC = Tokens.ec("e1");
    static final List<String> NEWS = List.of("/news/*");

    @TempDir
    static Path dir;

    static TestServer server;
    static SecurityOptions.Jwt jwt;

    @BeforeAll
    static void start() throws IOException {
        Path pem = Files.writeString(dir.resolve("rsa.pem"), Tokens.pem(RSA));
        Path jwks = Files.writeString(dir.resolve("keys.json"), Tokens.jwks(EC));
        jwt = new SecurityOptions.Jwt(Tokens.SECRET, pem, jwks, null, null, "wt", null, null, Duration.ZERO, false);
        server = TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withJwt(jwt)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String token(List<String> subscribe, List<String> publish) {
        return Tokens.hs256(Tokens.claims("alice", 300, subscribe, publish));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe", "longpoll", "jsonp"})
    void withoutTokenIs401AndNoTunnel(String format) {
        int before = server.server().node().tunnelCount();
        TestServer.Response r = server.get("/tunnel?format=" + format + "&new=1&callback=cb&subscribe=/news/*");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
        assertThat(server.server().node().tunnelCount()).isEqualTo(before);
    }

    @Test
    void badTokensAre401() {
        JWTClaimsSet.Builder ok = Tokens.claims("mallory", 300, NEWS, null);
        List<String> bad = List.of(
                "not-a-jwt",
                Tokens.hs256(ok, "another-secret-with-at-least-32-bytes-of-it"), // wrong key
                Tokens.hs256(Tokens.claims("m", -60, NEWS, null)), // expired
                Tokens.hs256(ok.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))), // not yet valid
                new PlainJWT(Tokens.claims("m", 300, NEWS, null).build()).serialize(), // alg none
                Tokens.rs256(Tokens.rsa("r1"), Tokens.claims("m", 300, NEWS, null)), // unknown RSA key, same kid
                Tokens.es256(Tokens.ec("e1"), Tokens.claims("m", 300, NEWS, null)), // unknown EC key, same kid
                Tokens.hs256(Tokens.claims("m", 300, List.of("no-slash"), null))); // malformed claim
        int before = server.server().node().tunnelCount();
        for (String t : bad) {
            TestServer.Response r = server.get("/tunnel?format=sse&new=1", "Authorization", "Bearer " + t);
            assertThat(r.status()).as("token %s", t).isEqualTo(401);
            assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
            TestServer.Response q = server.get("/tunnel?format=longpoll&new=1&token=" + t.replace("=", ""));
            assertThat(q.status()).as("token %s in query", t).isEqualTo(401);
        }
        assertThat(server.server().node().tunnelCount()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"header", "cookie", "query", "rs256-pem", "es256-jwks"})
    void validTokenOpensFromEverySource(String source) {
        JWTClaimsSet.Builder claims = Tokens.claims("alice", 300, NEWS, null);
        String hs = Tokens.hs256(claims);
        Map<String, String> headers = switch (source) {
            case "header" -> Tokens.bearer(hs);
            case "cookie" -> Map.of("Cookie", "other=1; wt=" + hs);
            case "rs256-pem" -> Tokens.bearer(Tokens.rs256(RSA, claims));
            case "es256-jwks" -> Tokens.bearer(Tokens.es256(EC, claims));
            default -> Map.of();
        };
        String[] query = source.equals("query")
                ? new String[] {"subscribe=/news/*", "token=" + hs}
                : new String[] {"subscribe=/news/*"};
        try (TunnelClient c = TunnelClient.open(server.port(), "sse", headers, query)) {
            JsonNode open = c.awaitOpen();
            assertThat(open.has("refused")).isFalse();
            server.publish("{\"path\":\"/news/today\",\"data\":\"" + source + "\"}");
            assertThat(c.next().get("data").asText()).isEqualTo(source);
        }
    }

    @Test
    void claimsDecideWhatATunnelReaches() {
        String t = token(List.of("/news/*", "/team/a/**"), List.of("/team/a/**"));
        try (TunnelClient c = TunnelClient.open(
                server.port(),
                "stream",
                Tokens.bearer(t),
                "subscribe=/news/*",
                "subscribe=/secret/x",
                "subscribe=/team/**")) {
            JsonNode open = c.awaitOpen();
            assertThat(open.get("refused")).hasSize(2);
            assertThat(open.get("refused").get(0).asText()).isEqualTo("/secret/x");
            assertThat(open.get("refused").get(1).asText()).isEqualTo("/team/**");
            String tun = c.tunnel();

            JsonNode acks =
                    server.events("[" + meta(tun, "subscribe", "/team/a/b") + "," + meta(tun, "subscribe", "/other")
                            + ",{\"tunnel\":\"" + tun
                            + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/team/a\",\"subpaths\":true}}"
                            + ",{\"tunnel\":\"" + tun + "\",\"path\":\"/team/a/b\",\"data\":\"mine\"}"
                            + ",{\"tunnel\":\"" + tun + "\",\"path\":\"/news/fake\",\"data\":\"nope\"}"
                            + ",{\"tunnel\":\"" + tun + "\",\"path\":\"/client/" + c.client() + "\",\"data\":\"self\"}"
                            + ",{\"tunnel\":\"" + tun
                            + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/client/someone\"}}]");
            assertThat(acks.get(0).get("ok").asBoolean()).isTrue();
            assertThat(acks.get(1).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(2).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(3).get("ok").asBoolean()).isTrue();
            assertThat(acks.get(4).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(5).get("ok").asBoolean()).isTrue();
            assertThat(acks.get(6).get("error").asText()).isEqualTo("forbidden");

            server.publish(
                    "[{\"path\":\"/secret/x\",\"data\":\"hidden\"},{\"path\":\"/news/today\",\"data\":\"news\"}]");
            List<JsonNode> got = c.await(3, Duration.ofSeconds(10));
            assertThat(got).extracting(d -> d.get("data").asText()).containsExactly("mine", "self", "news");
            assertThat(c.pending()).isEmpty();
        }
    }

    @Test
    void tokenWithoutClaimReachesOnlyItsOwnPath() {
        String t = Tokens.hs256(Tokens.claims("bob", 300, null, null));
        try (TunnelClient c = TunnelClient.open(server.port(), "longpoll", Tokens.bearer(t), "subscribe=/news/*")) {
            JsonNode open = c.awaitOpen();
            assertThat(open.get("refused").get(0).asText()).isEqualTo("/news/*");
            JsonNode acks = server.events("[{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/news/x\",\"data\":1},"
                    + "{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/client/" + c.client() + "\",\"data\":2}]");
            assertThat(acks.get(0).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(1).get("ok").asBoolean()).isTrue();
            assertThat(c.next().get("data").asInt()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream"})
    void expiryClosesTheTunnelAndAFreshTokenReopens(String format) {
        // JWT expiry has one-second resolution: 4 s leave room for a slow open on a loaded machine.
        String shortLived = Tokens.hs256(Tokens.claims("carol", 4, NEWS, null));
        String tunnel;
        try (TunnelClient c =
                TunnelClient.open(server.port(), format, Tokens.bearer(shortLived), "subscribe=/news/*")) {
            c.awaitOpen();
            tunnel = c.tunnel();
            JsonNode close =
                    c.awaitControl("/meta/close", Duration.ofSeconds(15)).get("data");
            assertThat(close.get("reason").asText()).isEqualTo("expired");
            await().atMost(Duration.ofSeconds(10)).until(c::ended);
        }
        assertThat(server.server().node().tunnel(tunnel)).isNull();
        // The old token no longer opens anything, not even through the old tunnel id.
        TestServer.Response again =
                server.get("/tunnel?format=" + format + "&tunnel=" + tunnel, "Authorization", "Bearer " + shortLived);
        assertThat(again.status()).isEqualTo(401);
        String fresh = Tokens.hs256(Tokens.claims("carol", 300, NEWS, null));
        try (TunnelClient c =
                TunnelClient.attach(server.port(), format, Tokens.bearer(fresh), tunnel, null, "subscribe=/news/*")) {
            JsonNode open = c.awaitOpen();
            assertThat(open.get("resumed").asBoolean()).isFalse();
            assertThat(open.get("replaced").asText()).isEqualTo(tunnel);
            server.publish("{\"path\":\"/news/a\",\"data\":\"back\"}");
            assertThat(c.next().get("data").asText()).isEqualTo("back");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"longpoll", "jsonp"})
    void expiryAnswersTheHeldPollWithCloseThenRefusesTheOldToken(String format) {
        // JWT expiry has one-second resolution: 4 s leave room for a slow open on a loaded machine.
        // The poll must be held when the token expires (only a held poll is told, docs/protocol.md): here polls
        // last longer than the token, where the class's server answers them every 2 s and one may be in flight.
        String shortLived = Tokens.hs256(Tokens.claims("dave", 4, NEWS, null));
        try (TestServer held = TestServer.start(
                        o -> o.withSecurity(SecurityOptions.defaults().withJwt(jwt))
                                .withNode(NodeOptions.defaults().withPollTimeout(Duration.ofSeconds(30))));
                TunnelClient c =
                        TunnelClient.open(held.port(), format, Tokens.bearer(shortLived), "subscribe=/news/*")) {
            c.awaitOpen();
            String tunnel = c.tunnel();
            JsonNode close =
                    c.awaitControl("/meta/close", Duration.ofSeconds(15)).get("data");
            assertThat(close.get("reason").asText()).isEqualTo("expired");
            await().atMost(Duration.ofSeconds(10)).until(c::ended); // its next poll was refused
            assertThat(c.lastStatus()).isEqualTo(401);
            assertThat(held.server().node().tunnel(tunnel)).isNull();
        }
    }

    static String meta(String tunnel, String op, String pattern) {
        return "{\"tunnel\":\"" + tunnel + "\",\"path\":\"/meta/" + op + "\",\"data\":{\"path\":\"" + pattern + "\"}}";
    }
}
