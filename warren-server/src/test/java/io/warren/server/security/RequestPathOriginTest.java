package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.warren.server.config.SecurityOptions;
import io.warren.server.http.OriginPolicy;
import io.warren.server.http.RequestPath;
import io.warren.server.http.WarrenHttpHandler;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Finding 2 (issue 10): the allowed-origins check and the router take the request path from one place,
 * {@link RequestPath}, so a percent-encoded path cannot reach an endpoint past the origin check; the
 * WebSocket upgrade checks the origin itself as well. Finding 8: {@code *} never allows credentials.
 */
class RequestPathOriginTest {
    static final String APP = "https://app.example";
    static final String EVIL = "https://evil.example";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withAllowedOrigins(List.of(APP))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> upgrade(String origin) {
        Map<String, String> h = new LinkedHashMap<>(Map.of(
                "Upgrade",
                "websocket",
                "Connection",
                "Upgrade",
                "Sec-WebSocket-Key",
                "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version",
                "13",
                "Cookie",
                "wt=victim"));
        h.put("Origin", origin);
        return h;
    }

    @Test
    void finding2_percentEncodedTunnelPathCannotHijackAWebSocket() throws IOException {
        int before = server.server().node().tunnelCount();
        for (String target : new String[] {
            "/%74unnel?format=ws&new=1",
            "/%74%75%6e%6e%65%6c?format=ws&new=1",
            "//tunnel?format=ws&new=1",
            "/x/../tunnel?format=ws&new=1",
            "/./tunnel?format=ws&new=1"
        }) {
            try (RawHttp r = RawHttp.request(server.port(), "GET", target, upgrade(EVIL), null)) {
                assertThat(r.status()).as(target).isEqualTo(400);
                assertThat(r.body()).contains("\"error\":\"bad-request\"", "non-canonical");
            }
        }
        assertThat(server.server().node().tunnelCount()).isEqualTo(before);
    }

    @Test
    void finding2_percentEncodedEventsPathCannotPostAcrossSites() {
        try (TunnelClient c = server.open("sse", "subscribe=/o/*")) {
            c.awaitOpen();
            String json = "{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/o/x\",\"data\":\"evil\"}";
            TestServer.Response r = server.post("/%65vents", json, "Origin", EVIL);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("bad-request");
            assertThat(server.post("/events", json, "Origin", EVIL).status())
                    .as("the plain path is refused too")
                    .isEqualTo(403);
            server.events("{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/o/x\",\"data\":\"mine\"}");
            assertThat(c.next().get("data").asText())
                    .as("nothing from the refused posts arrived first")
                    .isEqualTo("mine");
        }
    }

    @Test
    void finding2_canonicalPathsStillWork() {
        assertThat(RequestPath.of("/tunnel?format=%73se")).isEqualTo("/tunnel");
        assertThat(RequestPath.of("/admin/")).isEqualTo("/admin/");
        for (String bad : new String[] {"*", "tunnel", "/%74unnel", "/a\\b", "/a/..", "/a/.", "//", "/a//b"}) {
            assertThatThrownBy(() -> RequestPath.of(bad)).as(bad).hasMessageContaining("non-canonical");
        }
        assertThat(server.get("/healthz").status()).isEqualTo(200);
    }

    /** Without the Origin handler in front, the upgrade itself still refuses a foreign origin. */
    @Test
    void finding2_theWebSocketUpgradeChecksTheOriginItself() {
        WarrenHttpHandler.Endpoints endpoints = new WarrenHttpHandler.Endpoints(
                server.server().node(), ch -> null, null, null, OriginPolicy.of(List.of(APP)));
        EmbeddedChannel ch = new EmbeddedChannel(new WarrenHttpHandler(endpoints));
        DefaultFullHttpRequest req =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/tunnel?format=ws&new=1");
        upgrade(EVIL).forEach(req.headers()::set);
        int before = server.server().node().tunnelCount();
        ch.writeInbound(req);
        FullHttpResponse r = ch.readOutbound();
        try {
            assertThat(r.status().code()).isEqualTo(403);
            assertThat(r.content().toString(StandardCharsets.UTF_8)).contains("\"error\":\"forbidden\"");
        } finally {
            r.release();
        }
        assertThat(ch.pipeline().get(WarrenHttpHandler.class))
                .as("still HTTP: no upgrade happened")
                .isNotNull();
        assertThat(server.server().node().tunnelCount()).isEqualTo(before);
        ch.finishAndReleaseAll();
    }

    @Test
    void finding8_anyOriginNeverAllowsCredentials() {
        try (TestServer any = TestServer.start(
                o -> o.withSecurity(SecurityOptions.defaults().withAllowedOrigins(List.of("*", APP))))) {
            for (String origin : new String[] {EVIL, "null"}) {
                TestServer.Response r = any.get("/tunnel?format=longpoll&new=1", "Origin", origin);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Access-Control-Allow-Origin")).as(origin).isEqualTo("*");
                assertThat(r.header("Access-Control-Allow-Credentials"))
                        .as(origin)
                        .isNull();
                TestServer.Response pre =
                        any.send("OPTIONS", "/events", null, "Origin", origin, "Access-Control-Request-Method", "POST");
                assertThat(pre.status()).isEqualTo(204);
                assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo("*");
                assertThat(pre.header("Access-Control-Allow-Credentials")).isNull();
            }
            TestServer.Response listed = any.get("/tunnel?format=longpoll&new=1", "Origin", APP);
            assertThat(listed.header("Access-Control-Allow-Origin"))
                    .as("an origin named exactly")
                    .isEqualTo(APP);
            assertThat(listed.header("Access-Control-Allow-Credentials")).isEqualTo("true");
        }
    }

    @Test
    void finding8_anyOriginPolicyInUnits() {
        OriginPolicy p = OriginPolicy.of(List.of("*"));
        assertThat(p.allows("null")).isTrue();
        assertThat(p.credentials("null")).isFalse();
        assertThat(p.credentials(EVIL)).isFalse();
        assertThat(p.listed(EVIL)).isFalse();
        assertThat(OriginPolicy.of(List.of()).checks()).isFalse();
    }
}
