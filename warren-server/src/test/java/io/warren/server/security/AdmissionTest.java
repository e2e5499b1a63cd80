package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.Limits;
import io.warren.NodeOptions;
import io.warren.server.config.SecurityOptions;
import io.warren.server.config.ServerOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 5: tunnel creation is bounded by default, per client address ({@code too-many}) and per
 * node ({@code overloaded}), through every way a tunnel comes to exist, and abandoned tunnels go sooner.
 */
class AdmissionTest {
    static final String UNKNOWN = "AAAAAAAAAAAAAAAAAAAAAAAA";

    static TestServer server(Limits limits) {
        return TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withLimits(limits)));
    }

    static String open(TestServer server) {
        TestServer.Response r = server.get("/tunnel?format=longpoll&new=1");
        assertThat(r.status()).as("open: %s", r.body()).isEqualTo(200);
        return r.json().get(0).get("data").get("tunnel").asText();
    }

    static void assertRefused(TestServer.Response r, int status, String error) {
        assertThat(r.status()).as("%s", r.body()).isEqualTo(status);
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.json().get("error").asText()).isEqualTo(error);
    }

    @Test
    void finding5_theShippedDefaultsCapTunnels() {
        Limits shipped = ServerOptions.defaults().security().limits();
        assertThat(shipped.maxTunnelsPerAddress())
                .isEqualTo(Limits.DEFAULT_TUNNELS_PER_ADDRESS)
                .isPositive();
        assertThat(shipped.maxTunnels()).isEqualTo(Limits.defaultMaxTunnels()).isEqualTo((int)
                Math.max(1000, Runtime.getRuntime().maxMemory() / Limits.HEAP_PER_TUNNEL));
        assertThat(shipped.firstAttachTimeout())
                .isEqualTo(Duration.ofSeconds(10))
                .isLessThan(NodeOptions.defaults().tunnelTimeout());
    }

    @Test
    void finding5_perAddressCapHoldsThroughPlainOpenReopenOfAnUnknownIdAndReplace() {
        Limits limits = Limits.defaults()
                .withMaxTunnelsPerAddress(2)
                .withMaxTunnels(0)
                .withFirstAttachTimeout(Duration.ofMillis(500));
        try (TestServer server = server(limits);
                TunnelClient held = server.open("sse")) {
            held.awaitOpen();
            String abandoned = open(server);
            assertRefused(server.get("/tunnel?format=longpoll&new=1"), 429, "too-many");
            assertRefused(server.get("/tunnel?format=sse&tunnel=" + UNKNOWN), 429, "too-many");
            assertThat(server.server().node().tunnelCount()).isEqualTo(2);
            assertThat(server.get("/tunnel?format=longpoll&new=1")
                            .json()
                            .get("message")
                            .asText())
                    .isEqualTo("at most 2 tunnels per client address");
            // Replace: the abandoned tunnel is culled, a stream takes its place, and re-attaching to the
            // culled id (which would create a replacement) is refused.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.server().node().tunnel(abandoned) == null);
            try (TunnelClient second = server.open("sse")) {
                second.awaitOpen();
                assertRefused(server.get("/tunnel?format=longpoll&tunnel=" + abandoned), 429, "too-many");
                assertThat(server.server().node().tunnelCount()).isEqualTo(2);
            }
        }
    }

    @Test
    void finding5_globalCapAnswersOverloadedForEveryAddressAndSparesOpenTunnels() throws Exception {
        Limits limits = Limits.defaults().withMaxTunnelsPerAddress(0).withMaxTunnels(2);
        try (TestServer server = server(limits);
                TunnelClient held = server.open("sse", "subscribe=/news/*")) {
            held.awaitOpen();
            open(server);
            assertRefused(server.get("/tunnel?format=longpoll&new=1"), 503, "overloaded");
            assertThat(server.get("/tunnel?format=longpoll&new=1")
                            .json()
                            .get("message")
                            .asText())
                    .contains("2 tunnels");
            assertRefused(server.get("/tunnel?format=sse&tunnel=" + UNKNOWN), 503, "overloaded");
            try (io.warren.server.support.RawHttp other = io.warren.server.support.RawHttp.request(
                    "127.0.0.5", server.port(), "GET", "/tunnel?format=longpoll&new=1", java.util.Map.of(), null)) {
                assertThat(other.status()).isEqualTo(503);
            }
            assertThat(server.server().node().tunnelCount()).isEqualTo(2);
            // The tunnels already open keep their service.
            server.publish("{\"path\":\"/news/a\",\"data\":\"still served\"}");
            assertThat(held.next().get("data").asText()).isEqualTo("still served");
        }
    }

    @Test
    void finding5_anAbandonedTunnelIsCulledAfterFirstAttachTimeoutButAReturningOneIsNot() {
        Limits limits = Limits.defaults().withFirstAttachTimeout(Duration.ofMillis(300));
        try (TestServer server = TestServer.start(o -> o.withNode(o.node().withTunnelTimeout(Duration.ofSeconds(60)))
                        .withSecurity(SecurityOptions.defaults().withLimits(limits)));
                TunnelClient polling = server.open("longpoll")) {
            polling.awaitOpen();
            String abandoned = open(server);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.server().node().tunnel(abandoned) == null);
            // The polling client came back after its first answer: tunnel-timeout (60 s) applies to it.
            await().during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> server.server().node().tunnel(polling.tunnel()) != null);
            server.publish("{\"path\":\"/client/" + polling.client() + "\",\"data\":1}");
            JsonNode got = polling.next();
            assertThat(got.get("data").asInt()).isEqualTo(1);
        }
    }
}
