package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import io.warren.server.support.WsClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JWT authentication, permissions and expiry on WebSocket tunnels ({@code format=ws}). */
class WebSocketAuthTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        SecurityOptions.Jwt jwt =
                new SecurityOptions.Jwt(Tokens.SECRET, null, null, null, null, null, null, null, Duration.ZERO, false);
        server = TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withJwt(jwt)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void withoutAValidTokenTheSocketIsRefused() {
        int before = server.server().node().tunnelCount();
        for (String query : List.of(
                "new=1",
                "new=1&token=not-a-jwt",
                "new=1&token=" + Tokens.hs256(Tokens.claims("x", -30, List.of("/a"), null)))) {
            try (WsClient ws = WsClient.connect(server, query)) {
                JsonNode close = ws.next("/meta/close").get("data");
                assertThat(close.get("error").asText()).isEqualTo("unauthorized");
                assertThat(ws.awaitClose()).isEqualTo(1008);
            }
        }
        assertThat(server.server().node().tunnelCount()).isEqualTo(before);
    }

    @Test
    void claimsDecideWhatTheSocketReaches() {
        String token = Tokens.hs256(Tokens.claims("ws-user", 300, List.of("/news/*"), List.of("/chat/*")));
        try (WsClient ws = WsClient.connect(server, "new=1&subscribe=/news/*&subscribe=/secret/*&token=" + token)) {
            JsonNode open = ws.next("/meta/open").get("data");
            assertThat(open.get("refused").get(0).asText()).isEqualTo("/secret/*");
            ws.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/secret/a\"},\"id\":\"s1\"}");
            assertThat(ws.next("/meta/ack").get("data").get("error").asText()).isEqualTo("forbidden");
            ws.send("{\"path\":\"/news/fake\",\"data\":1,\"id\":\"p1\"}");
            assertThat(ws.next("/meta/ack").get("data").get("error").asText()).isEqualTo("forbidden");
            ws.send("{\"path\":\"/chat/room\",\"data\":1,\"id\":\"p2\"}");
            assertThat(ws.next("/meta/ack").get("data").get("ok").asBoolean()).isTrue();
            server.publish("[{\"path\":\"/secret/a\",\"data\":0},{\"path\":\"/news/a\",\"data\":\"news\"}]");
            assertThat(ws.next("/news/a").get("data").asText()).isEqualTo("news");
        }
    }

    @Test
    void expiryClosesTheSocketWithReasonExpired() {
        String token = Tokens.hs256(Tokens.claims("ws-user", 2, List.of("/news/*"), null));
        try (WsClient ws = WsClient.connect(server, "new=1&token=" + token)) {
            ws.next("/meta/open");
            assertThat(ws.next("/meta/close").get("data").get("reason").asText())
                    .isEqualTo("expired");
            ws.awaitClose();
        }
    }
}
