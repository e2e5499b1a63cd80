package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import org.junit.jupiter.api.Test;

/** Point 11: backend publish, its key, and direct datagrams to one client. */
class PublishTest {

    @Test
    void withAKeyOnlyTheRightBearerPublishes() {
        try (TestServer server = TestServer.start(o -> o.withPublishKey("s3cret-publish-key"));
                TunnelClient c = server.open("sse", "subscribe=/k")) {
            c.awaitOpen();
            TestServer.Response none = server.post("/publish", "{\"path\":\"/k\",\"data\":1}");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().get("error").asText()).isEqualTo("unauthorized");
            TestServer.Response wrong = server.post(
                    "/publish", "{\"path\":\"/k\",\"data\":2}", "Authorization", "Bearer s3cret-publish-key!");
            assertThat(wrong.status()).isEqualTo(401);
            TestServer.Response ok = server.post(
                    "/publish", "{\"path\":\"/k\",\"data\":3}", "Authorization", "Bearer s3cret-publish-key");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(c.next().get("data").asInt())
                    .as("refused publishes changed nothing")
                    .isEqualTo(3);
        }
    }

    @Test
    void withoutAKeyLoopbackPublishesAndClientPathsReachOneClient() {
        try (TestServer server = TestServer.start();
                TunnelClient a = server.open("stream");
                TunnelClient b = server.open("longpoll")) {
            a.awaitOpen();
            b.awaitOpen();
            var acks = server.publish("[{\"path\":\"/client/" + a.client() + "\",\"data\":\"for a\",\"id\":\"x1\"},"
                    + "{\"path\":\"/client/" + b.client() + "\",\"data\":\"for b\"},"
                    + "{\"path\":\"/meta/open\",\"data\":{}},"
                    + "{\"tunnel\":\"" + a.tunnel() + "\",\"path\":\"/x\"}]");
            assertThat(acks.get(0).get("ok").asBoolean()).isTrue();
            assertThat(acks.get(0).get("ref").asText()).isEqualTo("x1");
            assertThat(acks.get(2).get("error").asText()).isEqualTo("forbidden");
            assertThat(acks.get(3).get("error").asText()).isEqualTo("bad-request");
            assertThat(a.next().get("data").asText()).isEqualTo("for a");
            assertThat(b.next().get("data").asText()).isEqualTo("for b");
            assertThat(a.pending()).isEmpty();
            assertThat(b.pending()).isEmpty();
            assertThat(server.get("/publish").status()).isEqualTo(405);
        }
    }
}
