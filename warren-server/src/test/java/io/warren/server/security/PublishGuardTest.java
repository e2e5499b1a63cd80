package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.server.config.SecurityOptions;
import io.warren.server.config.ServerOptions;
import io.warren.server.config.WarrenConfig;
import io.warren.server.http.PublishGuard;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Findings 3 and 9 (issue 10): {@code /publish} without a key no longer trusts proxied loopback requests,
 * and no request carrying a foreign {@code Origin} or a non-JSON content type publishes. Each refusal
 * changes nothing: the subscriber's next datagram is the one published properly afterwards.
 */
class PublishGuardTest {
    static final String APP = "https://app.example";
    static final String JSON = "{\"path\":\"/g/x\",\"data\":\"forged\"}";

    @Test
    void finding3_withoutAKeyProxiedRequestsAreRefused() {
        try (TestServer server = TestServer.start();
                TunnelClient c = server.open("sse", "subscribe=/g/*")) {
            c.awaitOpen();
            for (String header : new String[] {"X-Forwarded-For", "Forwarded", "X-Real-IP", "x-forwarded-for"}) {
                TestServer.Response r = server.post(
                        "/publish", JSON, header, header.equals("Forwarded") ? "for=203.0.113.9" : "203.0.113.9");
                assertThat(r.status()).as(header).isEqualTo(401);
                assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
                assertThat(r.json().get("message").asText())
                        .contains(
                                "proxy", header.equals("x-forwarded-for") ? "X-Forwarded-For" : header, "publish-key");
            }
            // The client's own path is out of reach too (the finding's worst case).
            TestServer.Response r = server.post(
                    "/publish",
                    "{\"path\":\"/client/" + c.client() + "\",\"data\":\"forged\"}",
                    "X-Forwarded-For",
                    "203.0.113.9");
            assertThat(r.status()).isEqualTo(401);
            server.publish("{\"path\":\"/g/x\",\"data\":\"direct\"}");
            assertThat(c.next().get("data").asText())
                    .as("refused publishes changed nothing")
                    .isEqualTo("direct");
            assertThat(c.pending()).isEmpty();
        }
    }

    @Test
    void finding3_withAKeyProxiedRequestsWithTheKeyPublish() {
        try (TestServer server = TestServer.start(o -> o.withPublishKey("a-long-enough-publish-key"))) {
            TestServer.Response r = server.post(
                    "/publish",
                    JSON,
                    "X-Forwarded-For",
                    "203.0.113.9",
                    "Authorization",
                    "Bearer a-long-enough-publish-key");
            assertThat(r.status()).isEqualTo(200);
        }
    }

    @Test
    void finding3_startWarnsWhenListeningBeyondLoopbackWithoutAKey() {
        assertThat(PublishGuard.openWarning("0.0.0.0", null)).contains("no publish-key", "0.0.0.0");
        assertThat(PublishGuard.openWarning("::", null)).contains("no publish-key");
        assertThat(PublishGuard.openWarning("127.0.0.1", null)).isNull();
        assertThat(PublishGuard.openWarning("0.0.0.0", "a-long-enough-publish-key"))
                .isNull();
    }

    @Test
    void finding12_publishKeyHasAMinimumLength() {
        assertThatThrownBy(() -> ServerOptions.defaults().withPublishKey("short-key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publish-key", "16")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short-key"));
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--publish-key=short-key"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publish-key");
        assertThat(ServerOptions.defaults().withPublishKey("0123456789abcdef").publishKey())
                .hasSize(16);
    }

    @Test
    void finding9_crossSiteAndNonJsonPublishesAreRefused() throws IOException {
        try (TestServer server = TestServer.start(
                        o -> o.withSecurity(SecurityOptions.defaults().withAllowedOrigins(List.of("*", APP))));
                TunnelClient c = server.open("sse", "subscribe=/g/*")) {
            c.awaitOpen();
            // A page's simple request: text/plain, foreign Origin.
            TestServer.Response simple =
                    server.post("/publish", JSON, "Content-Type", "text/plain", "Origin", "https://evil.example");
            assertThat(simple.status()).isEqualTo(403);
            assertThat(simple.json().get("error").asText()).isEqualTo("forbidden");
            // Even application/json from a foreign origin (allowed by '*' on the browser endpoints, not here).
            assertThat(server.post("/publish", JSON, "Origin", "https://evil.example")
                            .status())
                    .isEqualTo(403);
            assertThat(server.post("/publish", JSON, "Origin", "null").status()).isEqualTo(403);
            // Without an Origin, the body must still be declared JSON.
            for (String type :
                    new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"
                    }) {
                TestServer.Response r = server.post("/publish", JSON, "Content-Type", type);
                assertThat(r.status()).as(type).isEqualTo(400);
                assertThat(r.json().get("message").asText()).contains("application/json");
            }
            try (RawHttp none = RawHttp.request(
                    server.port(), "POST", "/publish", Map.of(), JSON.getBytes(StandardCharsets.UTF_8))) {
                assertThat(none.status()).as("no Content-Type").isEqualTo(400);
            }
            // A listed origin with JSON, and a backend with a charset parameter, publish.
            assertThat(server.post("/publish", "{\"path\":\"/g/x\",\"data\":\"app\"}", "Origin", APP)
                            .status())
                    .isEqualTo(200);
            assertThat(c.next().get("data").asText())
                    .as("refused publishes changed nothing")
                    .isEqualTo("app");
            assertThat(server.post(
                                    "/publish",
                                    "{\"path\":\"/g/x\",\"data\":\"backend\"}",
                                    "Content-Type",
                                    "Application/JSON; charset=utf-8")
                            .status())
                    .isEqualTo(200);
            assertThat(c.next().get("data").asText()).isEqualTo("backend");
        }
    }
}
