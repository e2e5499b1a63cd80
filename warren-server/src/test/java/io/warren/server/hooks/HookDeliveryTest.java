package io.warren.server.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.spi.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle hooks end to end: a real server POSTs to a real receiver ({@link HookReceiver}) that checks
 * every signature; failures (500, a hang past the deadline) are retried until every event arrived at least
 * once; a tiny queue overflows, counted, while browsers still get their datagrams.
 */
class HookDeliveryTest {

    private static TestServer server(io.warren.server.config.HookOptions hooks) {
        return TestServer.start(
                o -> o.withNode(o.node().withTunnelTimeout(Duration.ofMillis(600))),
                b -> b.hooks(hooks)
                        .authenticator(r -> CompletableFuture.completedFuture(new Identity("ann", Map.of()))));
    }

    private static String event(String tunnel, String path, String data) {
        return "{\"tunnel\":\"" + tunnel + "\",\"path\":\"" + path + "\",\"data\":" + data + "}";
    }

    private static String line(JsonNode e) {
        return e.get("type").asText()
                + (e.has("path") ? " " + e.get("path").asText() : "")
                + (e.has("subpaths") ? " +subpaths" : "")
                + (e.has("reason") ? " " + e.get("reason").asText() : "");
    }

    @Test
    void aTunnelsLifeArrivesSignedWithClientUserPathsAndItsEnd() {
        try (HookReceiver receiver = new HookReceiver();
                TestServer s = server(receiver.options())) {
            TunnelClient c = s.open("sse", "subscribe=/a");
            c.awaitOpen();
            s.events("[" + event(c.tunnel(), "/meta/subscribe", "{\"path\":\"/b\",\"subpaths\":true}") + ","
                    + event(c.tunnel(), "/meta/unsubscribe", "{\"path\":\"/a\"}") + "]");
            c.drop();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> receiver.distinct().size() >= 5);

            List<JsonNode> events = receiver.distinct();
            assertThat(events)
                    .extracting(HookDeliveryTest::line)
                    .containsExactly(
                            "open", "subscribe /a", "subscribe /b +subpaths", "unsubscribe /a", "culled culled");
            long before = System.currentTimeMillis();
            assertThat(events).allSatisfy(e -> {
                assertThat(e.get("client").asText()).isEqualTo(c.client());
                assertThat(e.get("user").asText()).isEqualTo("ann");
                assertThat(e.get("time").asLong()).isBetween(before - 60_000, before);
                assertThat(e.toString()).as("never the secret tunnel id").doesNotContain(c.tunnel());
            });
            assertThat(receiver.repeatedWithoutRetry()).isEmpty();
            assertThat(receiver.requests).allSatisfy(r -> {
                assertThat(r.signed()).as("signature of %s", r.signature()).isTrue();
                assertThat(r.signature()).matches("sha256=[0-9a-f]{64}");
                assertThat(r.body().get("node").asText())
                        .isEqualTo(s.server().node().ids().tag());
                // The negative: the same request checked with another secret, or with one byte changed, fails.
                assertThat(HookSignature.verify("another-secret-0123456789", r.raw(), r.signature()))
                        .isFalse();
                byte[] tampered = r.raw().clone();
                tampered[tampered.length - 2] ^= 1;
                assertThat(HookSignature.verify(HookReceiver.SECRET, tampered, r.signature()))
                        .isFalse();
            });
        }
    }

    @Test
    void theSignatureIsTheHexHmacSha256OfTheBody() {
        // A published vector (the HMAC-SHA256 example on Wikipedia), as openssl and Node compute it too.
        byte[] fox = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);
        assertThat(HookSignature.sign("key", fox))
                .isEqualTo("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
        assertThat(HookSignature.verify("key", new byte[0], null)).isFalse();
    }

    @Test
    void theBackoffDoublesPerRetryWithJitterUpToAMinute() {
        HookSender sender = new HookSender(
                io.warren.server.config.HookOptions.to(
                        java.net.URI.create("http://127.0.0.1:9/h"), HookReceiver.SECRET),
                new HookQueue(1, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                "node");
        for (int i = 0; i < 100; i++) {
            assertThat(sender.backoffMillis(1)).isBetween(125L, 250L);
            assertThat(sender.backoffMillis(3)).isBetween(500L, 1000L);
            assertThat(sender.backoffMillis(40)).isBetween(30_000L, 60_000L);
        }
    }

    @Test
    void failedRequestsAreRetriedUntilEveryEventArrivedAndOnlyFailuresRepeat() {
        try (HookReceiver receiver = new HookReceiver().failFirst("500", "hang", "500")) {
            try (TestServer s = server(receiver.options())) {
                List<String> clients = new ArrayList<>();
                List<TunnelClient> open = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    TunnelClient c = s.open("sse", "subscribe=/r/" + i);
                    c.awaitOpen();
                    clients.add(c.client());
                    open.add(c);
                }
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(receiver.accepted())
                                .extracting(e -> e.get("type").asText() + " "
                                        + e.get("client").asText())
                                .containsAll(
                                        clients.stream().map(c -> "open " + c).toList())
                                .containsAll(clients.stream()
                                        .map(c -> "subscribe " + c)
                                        .toList()));
                open.forEach(TunnelClient::close);
            }
            // At least once: what failed came again; an id repeats only in a retry of a failed request.
            Set<String> accepted = new HashSet<>();
            receiver.accepted().forEach(e -> accepted.add(e.get("id").asText()));
            Set<String> failed = new HashSet<>();
            receiver.requests.stream()
                    .filter(r -> r.status() / 100 != 2)
                    .forEach(r -> r.events().forEach(e -> failed.add(e.get("id").asText())));
            assertThat(failed).as("the 500s carried events").isNotEmpty();
            assertThat(accepted).as("what failed came again").containsAll(failed);
            assertThat(receiver.repeatedWithoutRetry()).isEmpty();
            assertThat(receiver.requests).filteredOn(r -> r.attempt() > 1).isNotEmpty();
            assertThat(receiver.requests).allMatch(HookReceiver.Request::signed);
        }
    }

    @Test
    void aFullQueueDropsAndCountsEventsWhileBrowsersGetTheirDatagrams() {
        try (HookReceiver receiver = new HookReceiver().always("hang")) {
            try (TestServer s = server(receiver.options()
                    .withQueue(2, 1, Duration.ZERO)
                    .withRetries(Duration.ofSeconds(5), 0, Duration.ofMillis(50)))) {
                List<TunnelClient> open = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    TunnelClient c = s.open("sse", "subscribe=/q");
                    c.awaitOpen();
                    open.add(c);
                }
                String id = s.publish("[{\"path\":\"/q\",\"data\":\"still here\"}]")
                        .get(0)
                        .get("id")
                        .asText();
                for (TunnelClient c : open) {
                    assertThat(c.next().get("id").asText()).isEqualTo(id);
                    c.close();
                }
                String metrics = s.get("/metrics").body();
                assertThat(metrics)
                        .as("8 opens and 8 subscribes, 2 queued, 1 hanging")
                        .containsPattern("warren_hooks_events_total\\{outcome=\"dropped\"\\} (1[0-9]|[2-9][0-9])\\.0");
            }
        }
    }
}
