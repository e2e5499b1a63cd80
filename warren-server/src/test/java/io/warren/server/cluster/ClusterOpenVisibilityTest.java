package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.redis.RedisProcess;
import io.warren.server.support.OnTwoNodes;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WsClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: once a client has the open answer ({@code /meta/open}) of a tunnel opened on node A, every
 * node finds that tunnel at once, with no retry: the open completes only after the tunnel's record is
 * written to Redis ({@code Openings.open} waits for {@code Records.register}). Two real nodes with JWT
 * authentication on one real redis-server; each round opens on A (SSE, stream and WebSocket in turn) and
 * immediately names the tunnel on B through every entry point that reaches a tunnel held elsewhere:
 * {@code POST /events} (forwarded), {@code /meta/refresh} over {@code /events} (forwarded), and a
 * re-attach (SSE or WebSocket) that takes the tunnel over. A bounded number of rounds, no waiting between
 * open and use.
 */
class ClusterOpenVisibilityTest extends OnTwoNodes {
    static final int ROUNDS = 12;

    @Override
    protected TestServer node(RedisProcess redis) {
        return ClusterTokenRefreshTest.jwtNode(redis);
    }

    static String token(String subject) {
        return Tokens.hs256(Tokens.claims(subject, 300, List.of("/vis/*"), null));
    }

    /** Opens a tunnel on A in the round's format and returns its id once the open answer arrived. */
    String openOnA(int round, List<AutoCloseable> open) {
        String token = token("vera");
        switch (round % 3) {
            case 0, 1 -> {
                TunnelClient c = TunnelClient.open(
                        a.port(), round % 3 == 0 ? "sse" : "stream", Tokens.bearer(token), "subscribe=/vis/*");
                open.add(c);
                c.awaitOpen();
                return c.tunnel();
            }
            default -> {
                WsClient ws = WsClient.connect(a, "new=1&subscribe=/vis/*&token=" + token);
                open.add(ws);
                return ws.next("/meta/open").get("data").get("tunnel").asText();
            }
        }
    }

    static void closeAll(List<AutoCloseable> open) throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        open.clear();
    }

    @Test
    void eventsAndARefreshSentToBRightAfterTheOpenOnAAreServedByA() throws Exception {
        List<AutoCloseable> open = new java.util.ArrayList<>();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String tunnel = openOnA(round, open);
                TestServer.Response sent = b.post(
                        "/events",
                        "[{\"tunnel\":\"" + tunnel
                                + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/vis/b\"}}]");
                assertThat(sent.status())
                        .as("round %d: /events on B -> %s", round, sent.body())
                        .isEqualTo(200);
                assertThat(sent.json().get(0).get("ok").asBoolean())
                        .as("round %d: %s", round, sent.body())
                        .isTrue();
                JsonNode refreshed = b.events("[{\"tunnel\":\"" + tunnel + "\",\"path\":\"/meta/refresh\",\"data\":"
                                + "{\"token\":\"" + token("vera") + "\"}}]")
                        .get(0);
                assertThat(refreshed.get("ok").asBoolean())
                        .as("round %d: %s", round, refreshed)
                        .isTrue();
                assertThat(a.server().node().tunnel(tunnel))
                        .as("still held by A")
                        .isNotNull();
                closeAll(open);
            }
        } finally {
            closeAll(open);
        }
    }

    @Test
    void aReattachOnBRightAfterTheOpenOnATakesTheTunnelOver() throws Exception {
        List<AutoCloseable> open = new java.util.ArrayList<>();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String tunnel = openOnA(round, open);
                JsonNode opened;
                if (round % 2 == 0) {
                    TunnelClient onB = TunnelClient.attach(b.port(), "sse", tunnel, null);
                    open.add(onB);
                    opened = onB.awaitOpen();
                } else {
                    WsClient onB = WsClient.connect(b, "tunnel=" + tunnel);
                    open.add(onB);
                    opened = onB.next("/meta/open").get("data");
                }
                assertThat(opened.get("tunnel").asText()).as("round %d", round).isEqualTo(tunnel);
                assertThat(opened.get("resumed").asBoolean())
                        .as("round %d: taken over, not replaced: %s", round, opened)
                        .isTrue();
                closeAll(open);
            }
        } finally {
            closeAll(open);
        }
    }
}
