package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.server.config.SecurityOptions;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket {@code Origin} check: a cross-site page cannot open (hijack) a WebSocket tunnel. */
class WebSocketOriginTest {
    static final String APP = "https://app.example";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withAllowedOrigins(List.of(APP))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawHttp handshake(String origin) throws IOException {
        Map<String, String> h = new java.util.LinkedHashMap<>(Map.of(
                "Upgrade",
                "websocket",
                "Connection",
                "Upgrade",
                "Sec-WebSocket-Key",
                "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version",
                "13"));
        if (origin != null) {
            h.put("Origin", origin);
        }
        return RawHttp.request(server.port(), "GET", "/tunnel?format=ws&new=1", h, null);
    }

    @Test
    void anotherOriginCannotUpgrade() throws IOException {
        int before = server.server().node().tunnelCount();
        try (RawHttp evil = handshake("https://evil.example")) {
            assertThat(evil.status()).isEqualTo(403);
            assertThat(evil.body()).contains("\"error\":\"forbidden\"");
        }
        assertThat(server.server().node().tunnelCount()).isEqualTo(before);
    }

    @Test
    void theAllowedOriginAndNonBrowsersUpgrade() throws IOException {
        int before = server.server().node().tunnelCount();
        try (RawHttp ok = handshake(APP)) {
            assertThat(ok.status()).isEqualTo(101);
            assertThat(ok.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        }
        try (RawHttp noOrigin = handshake(null)) {
            assertThat(noOrigin.status()).isEqualTo(101);
        }
        // The 101 goes out before the engine has created the tunnel: wait for both, so that the other
        // test's count (whichever runs next) is not disturbed by an open still in flight.
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> server.server().node().tunnelCount() >= before + 2);
    }
}
