package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.Limits;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a refused tunnel open that means "not now" (429 {@code too-many}, 503 {@code overloaded})
 * tells the client how long to wait with {@code Retry-After}; a refusal that means "no" does not.
 */
class RetryAfterTest {

    static TestServer server(Limits limits) {
        return TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withLimits(limits)));
    }

    @Test
    void issue12_perAddressCapAnswers429WithRetryAfter() throws Exception {
        try (TestServer server =
                        server(Limits.defaults().withMaxTunnelsPerAddress(1).withMaxTunnels(0));
                TunnelClient held = server.open("sse")) {
            held.awaitOpen();
            for (String format : new String[] {"longpoll", "sse", "stream"}) {
                try (RawHttp r = RawHttp.get(server.port(), "/tunnel?format=" + format + "&new=1")) {
                    assertThat(r.status()).as(format).isEqualTo(429);
                    assertThat(r.body()).contains("\"error\":\"too-many\"");
                    assertThat(r.header("Retry-After")).as(format).isEqualTo("5");
                }
            }
            assertThat(server.server().node().tunnelCount()).isEqualTo(1);
        }
    }

    @Test
    void issue12_nodeCapAnswers503WithRetryAfter() throws Exception {
        try (TestServer server =
                        server(Limits.defaults().withMaxTunnelsPerAddress(0).withMaxTunnels(1));
                TunnelClient held = server.open("sse")) {
            held.awaitOpen();
            try (RawHttp r =
                    RawHttp.request("127.0.0.5", server.port(), "GET", "/tunnel?format=stream&new=1", Map.of(), null)) {
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.body()).contains("\"error\":\"overloaded\"");
                assertThat(r.header("Retry-After")).isEqualTo("5");
            }
            assertThat(server.server().node().tunnelCount()).isEqualTo(1);
        }
    }

    @Test
    void issue12_refusalsThatMeanNoCarryNoRetryAfter() throws Exception {
        try (TestServer server = server(Limits.defaults())) {
            for (String target : new String[] {
                "/tunnel?format=xml&new=1",
                "/tunnel?format=sse&new=1&subscribe=/meta/open",
                "/events?tunnel=AAAAAAAAAAAAAAAAAAAAAAAA&path=/a",
                "/nope"
            }) {
                try (RawHttp r = RawHttp.get(server.port(), target)) {
                    assertThat(r.status()).as(target).isBetween(400, 499);
                    assertThat(r.header("Retry-After")).as(target).isNull();
                }
            }
        }
    }
}
