package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.datagram.Ack;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The data of a datagram is opaque (issue 16): whatever JSON a publisher sends reaches every subscriber
 * byte for byte, through every entry ({@code POST /publish}, {@code POST /events}, WebSocket, in-process
 * {@code Publisher.publish}) and every stream format (SSE, NDJSON, WebSocket). Each check compares the
 * exact text on the wire with the envelope built from the bytes that were sent.
 */
class OpaqueDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger REFS = new AtomicInteger();

    static TestServer server;
    static TunnelClient sse;
    static TunnelClient ndjson;
    static RawWs ws;
    static TunnelClient sender; // the tunnel that sends over POST /events

    enum Entry {
        PUBLISH,
        EVENTS,
        WEBSOCKET,
        IN_PROCESS
    }

    @BeforeContainer
    static void start() {
        server = TestServer.start();
        sse = server.open("sse", "subscribe=/opaque/*");
        ndjson = server.open("stream", "subscribe=/opaque/*");
        sender = server.open("stream");
        sse.awaitOpen();
        ndjson.awaitOpen();
        sender.awaitOpen();
        ws = new RawWs(server.port());
        await().atMost(Duration.ofSeconds(10)).until(() -> ws.text().contains("/meta/open"));
    }

    @AfterContainer
    static void stop() {
        ws.close();
        sse.close();
        ndjson.close();
        sender.close();
        server.close();
    }

    @Property(tries = 120)
    void everyValueArrivesByteForByte(@ForAll("json") String data, @ForAll Entry entry) {
        send(entry, data);
    }

    @Example
    void numbersAreNeverRewritten() {
        for (String n :
                List.of("1e3", "12345678901234567.5", "1e400", "1e-400", "-0", "1E+2", "0.10", "[1e3,{\"x\":1e400}]")) {
            for (Entry e : Entry.values()) {
                send(e, n);
            }
        }
    }

    @Example
    void whitespaceBetweenTokensIsDroppedTokensAreKept() {
        String id = server.publish("{\"path\":\"/opaque/ws\",\"data\": { \"a\" : [ 1e3 , \"x y\" ]\n}}")
                .get(0)
                .get("id")
                .asText();
        expect(id, "/opaque/ws", "{\"a\":[1e3,\"x y\"]}", null);
    }

    /** Publishes {@code data} through {@code entry} and waits until every subscriber got exactly it. */
    private static void send(Entry entry, String data) {
        String path = "/opaque/" + entry.name().toLowerCase(java.util.Locale.ROOT);
        String from = null;
        String id;
        switch (entry) {
            case PUBLISH ->
                id = server.publish("{\"path\":\"" + path + "\",\"data\":" + data + "}")
                        .get(0)
                        .get("id")
                        .asText();
            case EVENTS -> {
                JsonNode ack = server.events("{\"tunnel\":\"" + sender.tunnel() + "\",\"path\":\"" + path
                                + "\",\"data\":" + data + "}")
                        .get(0);
                assertThat(ack.get("ok").asBoolean()).as("%s", ack).isTrue();
                id = ack.get("id").asText();
                from = sender.client();
            }
            case WEBSOCKET -> {
                String ref = "r" + REFS.incrementAndGet();
                ws.send("{\"path\":\"" + path + "\",\"id\":\"" + ref + "\",\"data\":" + data + "}");
                id = ws.ackId(ref);
                from = ws.client();
            }
            default -> {
                Ack ack = server.server()
                        .publish(path, data)
                        .toCompletableFuture()
                        .join();
                assertThat(ack.ok()).as("%s", ack.toJson()).isTrue();
                id = ack.id();
            }
        }
        expect(id, path, data, from);
    }

    private static void expect(String id, String path, String data, String from) {
        String datagram = "{\"id\":\"" + id + "\",\"path\":\"" + path + "\",\"data\":" + data
                + (from == null ? "" : ",\"from\":\"" + from + "\"") + "}";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(sse.rawText()).contains("id: " + id + "\ndata: " + datagram + "\n\n");
            assertThat(ndjson.rawText()).contains("\n" + datagram + "\n");
            assertThat(ws.messages()).contains(datagram);
        });
    }

    // ---- random JSON, compact, with what breaks re-encoders ----

    @Provide
    Arbitrary<String> json() {
        return value(3);
    }

    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(number(), string(), Arbitraries.of("true", "false", "null"));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> array = value(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Arbitraries.maps(string(), value(depth - 1))
                .ofMaxSize(4)
                .map(m -> {
                    StringBuilder sb = new StringBuilder("{");
                    m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "")
                            .append(k)
                            .append(':')
                            .append(v));
                    return sb.append('}').toString();
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, scalar), net.jqwik.api.Tuple.of(1, array), net.jqwik.api.Tuple.of(1, object));
    }

    private static Arbitrary<String> number() {
        Arbitrary<String> digits =
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(25);
        Arbitrary<String> built = net.jqwik.api.Combinators.combine(
                        Arbitraries.of("", "-"),
                        digits.map(d -> d.replaceFirst("^0+(?=.)", "")),
                        Arbitraries.of("", ".5", ".0", ".000001", ".1234567890123456789"),
                        Arbitraries.of("", "e3", "E+2", "e-400", "e400", "E-0", "e308", "e-324"))
                .as((s, i, f, e) -> s + i + f + e);
        return Arbitraries.oneOf(
                built,
                Arbitraries.of(
                        "0",
                        "-0",
                        "1e3",
                        "12345678901234567.5",
                        "1e400",
                        "1e-400",
                        "9007199254740993",
                        "0.1",
                        "100000000000000000000000000000",
                        "4.9e-324",
                        "1.7976931348623157e308",
                        "-0.0"));
    }

    private static Arbitrary<String> string() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMaxLength(6),
                Arbitraries.strings().all().ofMaxLength(4).map(OpaqueDataTest::quoteRaw),
                Arbitraries.of(
                        "\\u00e9",
                        "é",
                        "\\n",
                        "\\\"",
                        "\\\\",
                        "\\/",
                        "/",
                        "\\ud83d\\ude00",
                        "😀",
                        "</script>",
                        "<!--",
                        "\u2028",
                        "\\u2028",
                        "&amp;",
                        "\\t",
                        "\\u0000",
                        "中文",
                        " ",
                        "'"));
        return piece.list().ofMaxSize(4).map(l -> "\"" + String.join("", l) + "\"");
    }

    /** Any characters as the inside of a JSON string, escaped only where JSON demands (valid code points only). */
    private static String quoteRaw(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().filter(c -> c < 0xD800 || c > 0xDFFF).forEach(c -> {
            if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04X", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    /** A WebSocket tunnel keeping every text message as it came, for exact comparison. */
    static final class RawWs implements WebSocket.Listener {
        private final List<String> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        RawWs(int port) {
            socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .buildAsync(
                            URI.create("ws://127.0.0.1:" + port + "/tunnel?format=ws&new=1&subscribe=/opaque/*"), this)
                    .orTimeout(10, TimeUnit.SECONDS)
                    .join();
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            w.request(1);
            return null;
        }

        List<String> messages() {
            return messages;
        }

        String text() {
            return String.join("\n", messages);
        }

        String client() {
            for (String m : messages) {
                JsonNode n = parse(m);
                if (n.path("path").asText().equals("/meta/open")) {
                    return n.get("data").get("client").asText();
                }
            }
            throw new AssertionError("no /meta/open on the WebSocket");
        }

        String ackId(String ref) {
            String[] id = new String[1];
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (String m : messages) {
                    JsonNode n = JSON.readTree(m);
                    if (n.path("path").asText().equals("/meta/ack")
                            && n.get("data").path("ref").asText().equals(ref)) {
                        assertThat(n.get("data").get("ok").asBoolean()).as(m).isTrue();
                        id[0] = n.get("data").get("id").asText();
                        return true;
                    }
                }
                return false;
            });
            return id[0];
        }

        private static JsonNode parse(String m) {
            try {
                return JSON.readTree(m);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void send(String text) {
            socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
        }

        void close() {
            socket.abort();
        }
    }
}
