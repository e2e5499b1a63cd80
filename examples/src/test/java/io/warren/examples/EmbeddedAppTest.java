package io.warren.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.api.NodeListener;
import io.warren.api.TunnelView;
import io.warren.path.PathPattern;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The embedded example runs: its authenticator, its listener and its publishing from code all work over real HTTP. */
class EmbeddedAppTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void embeddedApplicationServesTunnelsAndPublishesFromCode() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        NodeListener recorder = new NodeListener() {
            @Override
            public void tunnelOpened(TunnelView t) {
                events.add("open " + t.identity().subject());
            }

            @Override
            public void subscribed(TunnelView t, PathPattern p) {
                events.add("subscribe " + t.identity().subject() + " " + p);
            }
        };
        try (EmbeddedApp app = EmbeddedApp.start("127.0.0.1", 0, recorder)) {
            String base = "http://127.0.0.1:" + app.port();
            HttpResponse<String> refused = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/tunnel?format=stream&new=1"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("unauthorized");

            HttpResponse<InputStream> stream = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/tunnel?format=stream&new=1&subscribe=/time&user=ada"))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                JsonNode open = JSON.readTree(lines.readLine());
                assertThat(open.get("path").asText()).isEqualTo("/meta/open");
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("subscribe ada /time");
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("open ada");

                JsonNode tick = JSON.readTree(lines.readLine());
                assertThat(tick.get("path").asText()).isEqualTo("/time");
                assertThat(tick.get("data").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

                app.server()
                        .publish("/time", "{\"from\":\"code\"}")
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
                JsonNode next;
                do {
                    next = JSON.readTree(lines.readLine());
                } while (!next.get("data").isObject());
                assertThat(next.get("data").get("from").asText()).isEqualTo("code");
            }
        }
    }
}
