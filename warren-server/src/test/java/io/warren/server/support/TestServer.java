package io.warren.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.warren.NodeOptions;
import io.warren.server.WarrenServer;
import io.warren.server.WarrenServerBuilder;
import io.warren.server.config.ServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A real Warren server on a free loopback port, plus small HTTP helpers. Closing it checks that Netty
 * reported no buffer leak while it ran.
 */
public final class TestServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final WarrenServer server;

    private TestServer(WarrenServer server) {
        this.server = server;
    }

    public static TestServer start() {
        return start(o -> o);
    }

    /** Starts with options derived from test-friendly defaults (port 0, loopback, short timers). */
    public static TestServer start(UnaryOperator<ServerOptions> customize) {
        return start(customize, b -> b);
    }

    public static TestServer start(UnaryOperator<ServerOptions> customize, UnaryOperator<WarrenServerBuilder> build) {
        LeakReports.clear();
        // Every test client comes from 127.0.0.1, and one server may serve a whole test class: no per-address
        // cap unless a test sets its own limits (SecurityOptions.defaults() brings the shipped cap back).
        ServerOptions o = ServerOptions.defaults()
                .withHost("127.0.0.1")
                .withPort(0)
                .withNode(NodeOptions.defaults().withPollTimeout(Duration.ofSeconds(2)))
                .withSecurity(io.warren.server.config.SecurityOptions.defaults()
                        .withLimits(io.warren.Limits.defaults().withMaxTunnelsPerAddress(0)));
        return new TestServer(
                build.apply(WarrenServer.builder(customize.apply(o))).build().start());
    }

    public int port() {
        return server.port();
    }

    public WarrenServer server() {
        return server;
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port() + pathAndQuery;
    }

    /** A plain request; returns status and body. */
    public Response send(String method, String pathAndQuery, String body, String... headers) {
        return sendTo(port(), method, pathAndQuery, body, headers);
    }

    /** A plain request to another loopback port (a proxy in front of the server, say). */
    public static Response sendTo(int port, String method, String pathAndQuery, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null && !typed) {
            // As backends and the client library send it; /publish refuses anything else.
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Response post(String pathAndQuery, String body, String... headers) {
        return send("POST", pathAndQuery, body, headers);
    }

    public Response get(String pathAndQuery, String... headers) {
        return send("GET", pathAndQuery, null, headers);
    }

    /** POSTs client datagrams to /events and returns the parsed ack array (asserting status 200). */
    public JsonNode events(String json) {
        Response r = post("/events", json);
        assertThat(r.status()).as("POST /events %s -> %s", json, r.body()).isEqualTo(200);
        return r.json();
    }

    /** POSTs backend datagrams to /publish and returns the parsed ack array (asserting status 200). */
    public JsonNode publish(String json) {
        Response r = post("/publish", json);
        assertThat(r.status()).as("POST /publish %s -> %s", json, r.body()).isEqualTo(200);
        return r.json();
    }

    public TunnelClient open(String format, String... query) {
        return TunnelClient.open(port(), format, query);
    }

    @Override
    public void close() {
        server.close();
        // Leaked buffers are reported when the detector notices them being collected: make it look.
        for (int i = 0; i < 5; i++) {
            System.gc();
            for (int j = 0; j < 200; j++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                b.release();
            }
        }
        assertThat(LeakReports.reports()).as("Netty buffer leaks").isEmpty();
    }

    /** A response with status and body. */
    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            return WireDecoder.parse(body);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }
}
