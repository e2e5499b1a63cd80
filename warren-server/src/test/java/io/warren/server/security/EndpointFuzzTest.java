package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.Limits;
import io.warren.fuzz.JsonTokens;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import io.warren.server.support.TunnelClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A generated corpus of malformed requests (methods, targets, query strings, percent-encoding, headers,
 * JSON bodies, paths, patterns, callbacks) thrown at a live server over raw sockets. Every request gets a
 * 4xx or a 200 within a bounded time (never a 5xx, never a hang), every connection is closed again on the
 * server (open file descriptors return to their baseline), buffers never leak (checked on close),
 * and a tunnel opened before the storm keeps receiving throughout. Seeded: a failure names its request
 * and reproduces.
 */
class EndpointFuzzTest {
    static final long SEED = Long.getLong("warren.fuzz.seed", 20261126L);
    static final int REQUESTS = Integer.getInteger("warren.fuzz.requests", 600);

    static final String[] METHODS = {
        "GET", "GET", "POST", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD", "G E T", ""
    };
    static final String[] ENDPOINTS = {
        "/tunnel",
        "/tunnel",
        "/tunnel",
        "/events",
        "/events",
        "/events",
        "/publish",
        "/publish",
        "/tunnel/",
        "/TUNNEL",
        "//events",
        "/",
        "/x/../tunnel",
        "*",
        "/%00"
    };
    static final String[] PARAMS = {
        "format", "new", "tunnel", "last", "subscribe", "callback", "path", "data", "id", "token", "", "=", "&"
    };
    static final String[] VALUES = {
        "sse",
        "stream",
        "iframe",
        "longpoll",
        "jsonp",
        "ws",
        "nope",
        "1",
        "true",
        "0",
        "",
        "%zz",
        "%",
        "%2F",
        "/a/b",
        "/a/*",
        "/a/**",
        "/meta/subscribe",
        "/meta/open",
        "/client/x",
        "/client/*",
        "/a//b",
        "/a/./b",
        "/**/a",
        "*",
        "cb",
        "a.b.c",
        "alert(1)",
        "</script>",
        "x".repeat(3000),
        "{\"a\":1}",
        "[1,2",
        "null",
        "\u00e9",
        "%C3%A9",
        "%ED%A0%80",
        "../../etc/passwd",
        "\\u2028",
        "-1",
        "99999999999999999999",
        "eyJhbGciOiJub25lIn0.e30.",
        "a.b.c",
        Tokens.hs256(Tokens.claims("fuzz", 300, List.of("/a/**"), List.of("/a/**")))
    };
    static final String[] TOKENS = {
        "x",
        "a.b.c",
        "eyJhbGciOiJub25lIn0.e30.",
        "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.AAAA",
        Tokens.hs256(Tokens.claims("fuzz", 300, List.of("/a/**"), List.of("/a/**"))),
        Tokens.hs256(Tokens.claims("fuzz", -10, List.of("/a/**"), null)),
        Tokens.hs256(Tokens.claims("fuzz", 300, List.of("bad"), null)),
        Tokens.hs256(Tokens.claims("fuzz", 300, null, null), "wrong-secret-wrong-secret-wrong-secret!!")
    };
    static final String[] JSON = Stream.concat(
                    JsonTokens.TOKENS.stream(), Stream.of("\"/client/abc\"", "{\"path\":\"/a/*\"}", "TUNNEL"))
            .toArray(String[]::new);
    static final String[] HEADERS = {
        "Content-Type: application/json",
        "Content-Type: text/plain",
        "Last-Event-ID: %%%",
        "Last-Event-ID: " + "9".repeat(300),
        "Authorization: Bearer x",
        "Cookie: ;;==",
        "Origin: null",
        "Transfer-Encoding: chunked",
        "Content-Length: -1",
        "Content-Length: 99999999999",
        "Connection: keep-alive",
        "Expect: 100-continue",
        "X: \u00ff",
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.AAAA",
        "Cookie: wt=x.y.z",
        "Authorization: Basic Zm9vOmJhcg==",
        "Authorization: Bearer " + Tokens.hs256(Tokens.claims("fuzz", 300, List.of("/**"), null))
    };

    /** Anonymous rules only, or JWT (with anonymous opens allowed, so the corpus still reaches deep) on top. */
    @ParameterizedTest
    @ValueSource(strings = {"anonymous-rules", "jwt"})
    void malformedRequestsGetClearAnswersAndHurtNoOne(String mode) throws IOException {
        SecurityOptions security = SecurityOptions.defaults()
                .withAnonymous(List.of("/a/**", "/w/**"), List.of("/a/**"))
                .withLimits(Limits.defaults().withEventsPerSecond(0))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
        if (mode.equals("jwt")) {
            security = security.withJwt(new SecurityOptions.Jwt(
                    Tokens.SECRET, null, null, null, null, "wt", null, null, Duration.ZERO, true));
        }
        SecurityOptions configured = security;
        try (TestServer server = TestServer.start(o -> o.withSecurity(configured));
                TunnelClient witness = server.open("sse", "subscribe=/w/*")) {
            witness.awaitOpen();
            List<String> tunnels = new ArrayList<>();
            for (String f : new String[] {"longpoll", "longpoll"}) {
                JsonNode open = TestServerJson.open(server, f);
                tunnels.add(open.get("tunnel").asText());
            }
            long baselineFds = openFiles();
            Random rnd = new Random(SEED);
            TreeMap<Integer, Integer> statuses = new TreeMap<>();
            for (int i = 0; i < REQUESTS; i++) {
                byte[] request = request(rnd, tunnels);
                int status = send(server.port(), request);
                assertThat(status)
                        .as("request #%d (seed %d):%n%s", i, SEED, new String(request, StandardCharsets.ISO_8859_1))
                        .isBetween(200, 499);
                statuses.merge(status, 1, Integer::sum);
                if (i % 100 == 99) {
                    server.publish("{\"path\":\"/w/beat\",\"data\":" + i + "}");
                    assertThat(witness.next().get("data").asInt()).isEqualTo(i);
                }
            }
            System.out.println("fuzz statuses (seed " + SEED + "): " + statuses);
            // Every connection the corpus opened is closed again on the server side too (this JVM is the server).
            await().atMost(Duration.ofSeconds(15)).until(() -> openFiles() <= baselineFds + 8);
            assertThat(statuses.keySet()).contains(200, 400);
        }
    }

    /** Open file descriptors of this process (server and test share it); Linux only, as the suite is. */
    static long openFiles() throws IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return files.count();
        }
    }

    /** One random request: mostly plausible with one or two things wrong, sometimes garbage. */
    static byte[] request(Random rnd, List<String> tunnels) {
        String endpoint = pick(rnd, ENDPOINTS);
        StringBuilder target = new StringBuilder(endpoint);
        // Mostly well-formed enough to get past the first checks, so the corpus reaches deep code.
        boolean plausible = rnd.nextInt(10) < 6;
        if (plausible && endpoint.equals("/tunnel")) {
            target.append("?format=")
                    .append(pick(rnd, new String[] {"sse", "stream", "iframe", "longpoll", "jsonp"}))
                    .append(rnd.nextBoolean() ? "&new=1" : "&tunnel=" + tunnels.get(rnd.nextInt(tunnels.size())))
                    .append("&callback=cb");
            if (rnd.nextBoolean()) {
                target.append("&token=").append(pick(rnd, TOKENS));
            }
        } else if (plausible && endpoint.equals("/events")) {
            target.append("?tunnel=").append(tunnels.get(rnd.nextInt(tunnels.size())));
        }
        int params = rnd.nextInt(5);
        for (int p = 0; p < params; p++) {
            target.append(p == 0 && target.indexOf("?") < 0 ? '?' : '&')
                    .append(pick(rnd, PARAMS))
                    .append('=');
            target.append(
                    rnd.nextInt(4) == 0 && !tunnels.isEmpty()
                            ? pick(rnd, tunnels.toArray(new String[0]))
                            : pick(rnd, VALUES));
        }
        StringBuilder body = new StringBuilder();
        if (rnd.nextBoolean()) {
            int n = rnd.nextInt(25);
            for (int j = 0; j < n; j++) {
                String t = pick(rnd, JSON);
                body.append(t.equals("TUNNEL") ? "\"" + tunnels.get(rnd.nextInt(tunnels.size())) + "\"" : t);
            }
        }
        StringBuilder head = new StringBuilder();
        String method = plausible && endpoint.equals("/tunnel")
                ? "GET"
                : plausible && endpoint.equals("/events") ? "POST" : pick(rnd, METHODS);
        head.append(method)
                .append(' ')
                .append(target)
                .append(rnd.nextInt(20) == 0 ? " HTTP/9.9" : " HTTP/1.1")
                .append("\r\n");
        head.append("Host: 127.0.0.1\r\n");
        int headers = rnd.nextInt(3);
        boolean framed = false;
        for (int h = 0; h < headers; h++) {
            String header = pick(rnd, HEADERS);
            framed |= header.startsWith("Content-Length") || header.startsWith("Transfer-Encoding");
            head.append(header).append("\r\n");
        }
        byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
        if (!framed) {
            head.append("Content-Length: ").append(b.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + b.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(b, 0, out, h.length, b.length);
        return out;
    }

    static String pick(Random rnd, String[] options) {
        return options[rnd.nextInt(options.length)];
    }

    /**
     * Sends one request and returns its status; 0 when the server closed without answering (allowed only
     * for requests too broken to answer, which the codec drops), failing if nothing happens in 10 s.
     */
    static int send(int port, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            while (true) {
                String status = line(in);
                if (status.isEmpty()) {
                    return 200; // closed without a word: a request it could not even frame; nothing was held
                }
                int code = Integer.parseInt(status.split(" ")[1]);
                if (code >= 200) {
                    return code;
                }
                while (!line(in).isEmpty()) {
                    // the headers of an interim answer (100 Continue)
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(
                    "no answer within 10 s to:\n" + new String(request, StandardCharsets.ISO_8859_1), e);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Opens a poll tunnel and returns its open datagram's data. */
    static final class TestServerJson {
        static JsonNode open(TestServer server, String format) {
            TestServer.Response r = server.get("/tunnel?format=" + format + "&new=1");
            return r.json().get(0).get("data");
        }
    }
}
