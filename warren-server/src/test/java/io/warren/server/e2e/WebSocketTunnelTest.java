package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ErrorCode;
import io.warren.NodeOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.WsClient;
import io.warren.spi.Identity;
import java.io.DataInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code ws} format: a tunnel over a real WebSocket, client datagrams and acks on the same socket. */
class WebSocketTunnelTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(o -> o.withMaxBody(4096)
                .withNode(NodeOptions.defaults()
                        .withPollTimeout(Duration.ofSeconds(2))
                        .withKeepalive(Duration.ofSeconds(1))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void opensSubscribesPublishesAndReceives() {
        try (WsClient ws = WsClient.connect(server, "new=1&subscribe=/news/*")) {
            JsonNode open = ws.next("/meta/open").get("data");
            assertThat(open.get("resumed").asBoolean()).isFalse();
            assertThat(open.get("keepalive").asLong()).isEqualTo(1000);
            String client = open.get("client").asText();

            JsonNode acks = server.publish("{\"path\":\"/news/today\",\"data\":{\"n\":1}}");
            JsonNode d = ws.next("/news/today");
            assertThat(d.get("id").asText()).isEqualTo(acks.get(0).get("id").asText());
            assertThat(d.get("data").get("n").asInt()).isEqualTo(1);

            ws.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/chat/**\"},\"id\":\"s1\"}");
            JsonNode subAck = ws.next("/meta/ack").get("data");
            assertThat(subAck.get("ok").asBoolean()).isTrue();
            assertThat(subAck.get("ref").asText()).isEqualTo("s1");

            // A publish through the socket: acked on the socket, delivered with from; a retry with the same id is not
            // published again.
            ws.send(
                    "[{\"path\":\"/chat/room\",\"data\":\"hi\",\"id\":\"p1\"},{\"path\":\"/meta/nope\",\"id\":\"p2\"}]");
            JsonNode first = null;
            JsonNode second = null;
            JsonNode delivered = null;
            for (int i = 0; i < 3; i++) {
                JsonNode m = ws.next();
                if (m.path("path").asText().equals("/meta/ack")) {
                    if (first == null) first = m.get("data");
                    else second = m.get("data");
                } else if (m.path("path").asText().equals("/chat/room")) {
                    delivered = m;
                } else {
                    i--;
                }
            }
            assertThat(first.get("ok").asBoolean()).isTrue();
            assertThat(first.get("ref").asText()).isEqualTo("p1");
            assertThat(second.get("ok").asBoolean()).isFalse();
            assertThat(second.get("error").asText()).isEqualTo("forbidden");
            assertThat(delivered.get("from").asText()).isEqualTo(client);
            assertThat(delivered.get("id").asText()).isEqualTo(first.get("id").asText());

            ws.send("{\"path\":\"/chat/room\",\"data\":\"hi\",\"id\":\"p1\"}");
            JsonNode retry = ws.next("/meta/ack").get("data");
            assertThat(retry.get("id").asText()).isEqualTo(first.get("id").asText());
            server.publish("{\"path\":\"/news/marker\"}");
            assertThat(ws.next("/news/marker").get("path").asText())
                    .as("the retry was not delivered again")
                    .isEqualTo("/news/marker");
        }
    }

    @Test
    void sendsKeepalivesWhenIdle() {
        try (WsClient ws = WsClient.connect(server, "new=1")) {
            ws.next("/meta/open");
            assertThat(ws.next("/meta/keepalive").get("path").asText()).isEqualTo("/meta/keepalive");
        }
    }

    @Test
    void resumesWithLastAndReplaysWhatWasMissed() {
        String tunnel;
        String firstId;
        try (WsClient ws = WsClient.connect(server, "new=1&subscribe=/r/*")) {
            tunnel = ws.next("/meta/open").get("data").get("tunnel").asText();
            server.publish("{\"path\":\"/r/a\",\"data\":1}");
            firstId = ws.next("/r/a").get("id").asText();
            ws.abort();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> server.server().node().tunnel(tunnel) != null);
        server.publish("[{\"path\":\"/r/a\",\"data\":2},{\"path\":\"/r/a\",\"data\":3}]");
        try (WsClient ws = WsClient.connect(server, "tunnel=" + tunnel + "&last=" + firstId)) {
            JsonNode open = ws.next("/meta/open").get("data");
            assertThat(open.get("resumed").asBoolean()).isTrue();
            assertThat(open.has("gap")).isFalse();
            assertThat(ws.next("/r/a").get("data").asInt()).isEqualTo(2);
            assertThat(ws.next("/r/a").get("data").asInt()).isEqualTo(3);
        }
    }

    @Test
    void aNewAttachSupersedesTheOldSocketWithACloseDatagramAndCode() {
        try (WsClient a = WsClient.connect(server, "new=1")) {
            String tunnel = a.next("/meta/open").get("data").get("tunnel").asText();
            try (WsClient b = WsClient.connect(server, "tunnel=" + tunnel)) {
                assertThat(b.next("/meta/open").get("data").get("resumed").asBoolean())
                        .isTrue();
                JsonNode close = a.next("/meta/close").get("data");
                assertThat(close.get("reason").asText()).isEqualTo("superseded");
                assertThat(close.get("reconnect").asBoolean()).isTrue();
                assertThat(a.awaitClose()).isEqualTo(1000);
                assertThat(a.closeReason()).isEqualTo("superseded");
            }
        }
    }

    @Test
    void badMessagesGetErrorsAndTheSocketKeepsWorking() {
        try (WsClient ws = WsClient.connect(server, "new=1&subscribe=/ok/*")) {
            ws.next("/meta/open");
            ws.send("{\"path\":");
            assertThat(ws.next("/meta/error").get("data").get("error").asText()).isEqualTo("bad-json");
            ws.sendBinary(new byte[] {1, 2, 3});
            assertThat(ws.next("/meta/error").get("data").get("error").asText()).isEqualTo("bad-request");
            ws.send("{\"path\":\"/x\",\"tunnel\":\"someoneElsesTunnel\",\"id\":7}");
            JsonNode ack = ws.next("/meta/ack").get("data");
            assertThat(ack.get("ok").asBoolean()).isFalse();
            assertThat(ack.get("ref").asText()).isEqualTo("7");

            server.publish("{\"path\":\"/ok/still\"}");
            assertThat(ws.next("/ok/still").get("path").asText()).isEqualTo("/ok/still");
        }
    }

    @Test
    void aMessageOverMaxBodyClosesWithTooBig() {
        try (WsClient ws = WsClient.connect(server, "new=1")) {
            ws.next("/meta/open");
            ws.send("{\"path\":\"/big\",\"data\":\"" + "x".repeat(5000) + "\"}");
            assertThat(ws.awaitClose()).isEqualTo(1009);
        }
        // The server is unharmed.
        try (WsClient ws = WsClient.connect(server, "new=1")) {
            ws.next("/meta/open");
        }
    }

    @Test
    void aSilentClientIsPingedThenDisconnected() throws Exception {
        // A raw socket that completes the handshake and then never answers anything, not even pings.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("GET /tunnel?format=ws&new=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(s.getInputStream());
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.readUnsignedByte());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");
            boolean pinged = false;
            long start = System.nanoTime();
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    break;
                }
                int len = in.readUnsignedByte() & 0x7f;
                if (len == 126) {
                    len = in.readUnsignedShort();
                }
                in.readNBytes(len);
                pinged |= (b0 & 0x0f) == 0x9;
            }
            assertThat(pinged).as("pinged before being closed").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void wsWithoutAnUpgradeIsABadRequest() {
        TestServer.Response r = server.get("/tunnel?format=ws&new=1");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("bad-request");
    }

    @Test
    void aRefusedOpenIsACloseDatagramWithoutReconnectAndPolicyCode() {
        try (TestServer locked = TestServer.start(
                        o -> o,
                        b -> b.authenticator(req -> "yes".equals(req.query("key"))
                                ? CompletableFuture.completedFuture(Identity.ANONYMOUS)
                                : CompletableFuture.failedFuture(ErrorCode.UNAUTHORIZED.exception("no key"))));
                WsClient ws = WsClient.connect(locked, "new=1")) {
            JsonNode close = ws.next("/meta/close").get("data");
            assertThat(close.get("reconnect").asBoolean()).isFalse();
            assertThat(close.get("error").asText()).isEqualTo("unauthorized");
            assertThat(ws.awaitClose()).isEqualTo(1008);
            assertThat(locked.server().node().tunnelCount()).isZero();
        }
    }
}
