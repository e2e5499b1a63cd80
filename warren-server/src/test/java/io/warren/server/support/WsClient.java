package io.warren.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (the JDK's) on a Warren tunnel: every text message is parsed and queued in
 * arrival order; the Close frame's code and reason are kept.
 */
public final class WsClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<int[]> closeCode = new CompletableFuture<>();
    private volatile String closeReason;
    private final WebSocket socket;

    private WsClient(String url) {
        Listener listener = new Listener();
        this.socket = HTTP.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), listener)
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    /** Connects to {@code /tunnel?format=ws&QUERY} on the test server. */
    public static WsClient connect(TestServer server, String query) {
        return new WsClient("ws://127.0.0.1:" + server.port() + "/tunnel?format=ws&" + query);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(WireDecoder.parse(partial.toString()));
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(new int[] {statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeReason = error.toString();
            closeCode.complete(new int[] {-1});
        }
    }

    public void send(String text) {
        socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true)
                .orTimeout(5, TimeUnit.SECONDS)
                .join();
    }

    /** The next message, failing after 10 s. */
    public JsonNode next() {
        try {
            JsonNode m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a WebSocket message within 10 s").isNotNull();
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next message on {@code path}, skipping keepalives; fails on anything else. */
    public JsonNode next(String path) {
        JsonNode m = next();
        while (m.path("path").asText().equals("/meta/keepalive") && !path.equals("/meta/keepalive")) {
            m = next();
        }
        assertThat(m.path("path").asText()).as("message %s", m).isEqualTo(path);
        return m;
    }

    /** Waits for the server's Close frame; returns its status code. */
    public int awaitClose() {
        return closeCode.orTimeout(10, TimeUnit.SECONDS).join()[0];
    }

    public String closeReason() {
        return closeReason;
    }

    /** Drops the TCP connection without a closing handshake, as a lost network would. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
