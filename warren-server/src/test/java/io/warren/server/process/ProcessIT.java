package io.warren.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WireDecoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code warren.jar} in its own process: bad configuration, SIGTERM, SIGHUP. */
class ProcessIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** Finding 3 (issue 10): a server reachable beyond loopback without a publish key says so at start. */
    @Test
    void finding3_startWarnsWithoutAPublishKeyBeyondLoopback() throws Exception {
        try (WarrenProcess p = WarrenProcess.start(Map.of(), "--host=0.0.0.0", "--port=0")) {
            p.awaitPort();
            assertThat(p.output()).contains("WARN", "no publish-key while listening on 0.0.0.0");
        }
        try (WarrenProcess p = WarrenProcess.start(
                Map.of("WARREN_PUBLISH_KEY", "a-long-enough-publish-key"), "--host=0.0.0.0", "--port=0")) {
            p.awaitPort();
            assertThat(p.output()).doesNotContain("no publish-key");
        }
        try (WarrenProcess p = WarrenProcess.start(Map.of(), "--publish-key=short")) {
            assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process.exitValue())
                    .as("finding 12: a short publish key is a configuration error")
                    .isEqualTo(2);
            assertThat(p.output())
                    .contains("publish-key must be at least 16 characters", "the given value is not shown");
        }
    }

    @Test
    void invalidConfigurationExitsWithCode2AndNamesKeyAndValue() throws Exception {
        try (WarrenProcess p = WarrenProcess.start(Map.of(), "--keepalive=5x")) {
            assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process.exitValue()).isEqualTo(2);
            assertThat(p.output()).contains("keepalive", "'5x'", "--help").doesNotContain("listening");
        }
        Path file = dir.resolve("warren.yml");
        Files.writeString(file, "port: 0\nkeep-alive: 5s\n");
        try (WarrenProcess p = WarrenProcess.start(Map.of("WARREN_CONFIG", file.toString()))) {
            assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process.exitValue()).isEqualTo(2);
            assertThat(p.output()).contains("unknown key 'keep-alive'", file.toString());
        }
        try (WarrenProcess p = WarrenProcess.start(Map.of("WARREN_REPLAY_SIZE", "many"))) {
            assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process.exitValue()).isEqualTo(2);
            assertThat(p.output()).contains("replay-size", "'many'");
        }
        Path notACert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        try (WarrenProcess p = WarrenProcess.start(
                Map.of(), "--port=0", "--tls-cert=" + notACert, "--tls-key=" + dir.resolve("missing.key"))) {
            assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process.exitValue())
                    .as("a bad certificate is a configuration error")
                    .isEqualTo(2);
            assertThat(p.output()).contains("tls-cert:", notACert.toString()).doesNotContain("listening");
        }
    }

    @Test
    void sigtermClosesEveryTunnelWithShutdownAfterInFlightEventsAndExits() throws Exception {
        try (WarrenProcess p = WarrenProcess.start(Map.of(), "--host=127.0.0.1", "--port=0", "--shutdown-timeout=5s")) {
            int port = p.awaitPort();
            List<TunnelClient> streams = new ArrayList<>();
            for (String f : new String[] {"sse", "stream", "iframe"}) {
                TunnelClient c = TunnelClient.open(port, f, "subscribe=/news/*");
                c.awaitOpen();
                streams.add(c);
            }
            TunnelClient poll = TunnelClient.open(port, "longpoll", "subscribe=/news/*");
            poll.awaitOpen();

            // Accepted (acknowledged) events are delivered before the close datagram.
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < 50; i++) {
                batch.append(i > 0 ? "," : "")
                        .append("{\"path\":\"/news/x\",\"data\":")
                        .append(i)
                        .append('}');
            }
            HttpResponse<String> acks = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    batch.append(']').toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(WireDecoder.parse(acks.body()).size()).isEqualTo(50);

            long t0 = System.nanoTime();
            p.signal("TERM");
            for (TunnelClient c : streams) {
                JsonNode close = c.awaitControl("/meta/close", Duration.ofSeconds(10));
                assertThat(close.get("data").get("reason").asText()).isEqualTo("shutdown");
                assertThat(close.get("data").get("reconnect").asBoolean()).isTrue();
                List<JsonNode> got = c.received().stream()
                        .filter(d -> d.path("path").asText().equals("/news/x"))
                        .toList();
                assertThat(got)
                        .as("every accepted event before the close, in order")
                        .hasSize(50);
                assertThat(got.get(49).get("data").asInt()).isEqualTo(49);
            }
            assertThat(p.process.waitFor(15, TimeUnit.SECONDS))
                    .as("exits in bounded time")
                    .isTrue();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("exit took %d ms", ms).isLessThan(15_000);
            assertThat(p.process.exitValue())
                    .as("terminated by SIGTERM after a clean shutdown")
                    .isIn(0, 143);
            assertThat(p.output()).contains("stopped");
            // The poll got its events too, and then the server was gone.
            assertThat(poll.received().stream()
                            .filter(d -> d.path("path").asText().equals("/news/x"))
                            .count())
                    .isEqualTo(50);
            streams.forEach(TunnelClient::close);
            poll.close();
        }
    }

    @Test
    void sighupReloadsWhatCanChangeLiveAndRefusesABadFile() throws Exception {
        Path file = dir.resolve("warren.yml");
        Files.writeString(file, "host: 127.0.0.1\nport: 0\nkeepalive: 25s\n");
        try (WarrenProcess p = WarrenProcess.start(Map.of(), "--config", file.toString())) {
            int port = p.awaitPort();
            try (TunnelClient c = TunnelClient.open(port, "stream")) {
                assertThat(c.awaitOpen().get("keepalive").asLong()).isEqualTo(25_000);
            }
            Files.writeString(file, "host: 127.0.0.1\nport: 0\nkeepalive: 7s\npublish-key: rotated-publish-key\n");
            p.signal("HUP");
            p.awaitLine(
                    Pattern.compile("configuration reloaded: \\[engine options, publish-key\\]"),
                    Duration.ofSeconds(10));
            try (TunnelClient c = TunnelClient.open(port, "stream")) {
                assertThat(c.awaitOpen().get("keepalive").asLong()).isEqualTo(7_000);
            }
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"/a\",\"data\":1}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("the new publish key applies").isEqualTo(401);

            Files.writeString(file, "host: 127.0.0.1\nport: 0\nkeepalive: soon\n");
            p.signal("HUP");
            p.awaitLine(Pattern.compile("reload refused.*keepalive.*'soon'"), Duration.ofSeconds(10));
            try (TunnelClient c = TunnelClient.open(port, "stream")) {
                assertThat(c.awaitOpen().get("keepalive").asLong())
                        .as("the running configuration stays")
                        .isEqualTo(7_000);
            }

            // The same through the status page's admin call (the admin key comes from the file too).
            Files.writeString(
                    file,
                    "host: 127.0.0.1\nport: 0\nkeepalive: 9s\npublish-key: rotated-publish-key\nadmin-key: reload-key-123\n");
            p.signal("HUP");
            p.awaitLine(
                    Pattern.compile("configuration reloaded: \\[engine options, operations options\\]"),
                    Duration.ofSeconds(10));
            Files.writeString(
                    file,
                    "host: 127.0.0.1\nport: 0\nkeepalive: 11s\npublish-key: rotated-publish-key\nadmin-key: reload-key-123\n");
            HttpResponse<String> admin = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/reload"))
                            .header("Authorization", "Bearer reload-key-123")
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
            assertThat(WireDecoder.parse(admin.body()).get("applied").get(0).asText())
                    .isEqualTo("engine options");
            try (TunnelClient c = TunnelClient.open(port, "stream")) {
                assertThat(c.awaitOpen().get("keepalive").asLong()).isEqualTo(11_000);
            }
        }
    }

    @Test
    void jsonLogsWithAnAccessLogThatNeverShowsATunnelId() throws Exception {
        try (WarrenProcess p = WarrenProcess.start(
                Map.of("WARREN_LOG_FORMAT", "json", "WARREN_ACCESS_LOG", "true"),
                "--host=127.0.0.1",
                "--port=0",
                "--poll-timeout=300ms")) {
            int port = p.awaitPort();
            String tunnel;
            try (TunnelClient c = TunnelClient.open(port, "longpoll")) {
                c.awaitOpen();
                tunnel = c.tunnel();
                // The client polls again with tunnel=T: that request line must be logged redacted.
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> p.output().contains("tunnel=" + tunnel.substring(0, 4) + "…"));
            }
            p.awaitLine(
                    Pattern.compile("\"target\":\"\\\\?/tunnel\\?format=longpoll&tunnel="
                            + Pattern.quote(tunnel.substring(0, 4)) + "…"),
                    Duration.ofSeconds(10));
            String out = p.output();
            assertThat(out).doesNotContain(tunnel);
            for (String line : out.split("\n")) {
                JsonNode j = WireDecoder.parse(line);
                assertThat(j.has("level") && j.has("formattedMessage") && j.has("loggerName"))
                        .as(line)
                        .isTrue();
            }
            assertThat(out).contains("\"loggerName\":\"warren.access\"", "\"status\"", "\"method\"");
        }
    }
}
