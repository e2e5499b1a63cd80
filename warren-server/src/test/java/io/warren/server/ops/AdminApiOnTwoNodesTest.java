package io.warren.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.redis.RedisProcess;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.OnTwoNodes;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The status page's API on two real nodes sharing one real redis-server: node A's views show a client
 * attached on node B ({@code paths}, {@code clients/C}, {@code users?user=U}, paged), A's disconnect ends
 * B's tunnel with the reason, and nothing of it is let in without the admin session or with the publish key.
 * The one-node versions are {@link AdminApiTest} (whose server set-up and helpers this reuses).
 */
class AdminApiOnTwoNodesTest extends OnTwoNodes {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String BACKEND = "Bearer " + AdminApiTest.PUBLISH_KEY;

    @Override
    protected TestServer node(RedisProcess redis) {
        return AdminApiTest.start(o -> o.withCluster(ClusterOptions.redis(redis.uri())));
    }

    private static JsonNode view(TestServer on, String cookie, String pathAndQuery) {
        TestServer.Response r = on.get("/admin/api/" + pathAndQuery, "Cookie", cookie);
        assertThat(r.status())
                .as("GET /admin/api/%s -> %s", pathAndQuery, r.body())
                .isEqualTo(200);
        return r.json();
    }

    private static List<String> clients(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("clients").forEach(c -> out.add(c.get("client").asText()));
        return out;
    }

    private static String tag(TestServer on) {
        return on.server().node().ids().tag();
    }

    @Test
    void nodeAsViewsShowAClientOfNodeBAndItsDisconnectEndsItThere() {
        try (TunnelClient onB = AdminApiTest.open(b, "stream", "ruth", "R", "subscribe=/room/two");
                TunnelClient onA = AdminApiTest.open(a, "sse", "ruth", "R2", "subscribe=/room/one");
                TunnelClient other = AdminApiTest.open(b, "stream", "otto", "O", "subscribe=/room/two")) {
            String cookie = AdminApiTest.session(a);

            // Entries reach the shared directory asynchronously after the open: wait for them.
            await().atMost(WAIT)
                    .until(() -> view(a, cookie, "paths?prefix=/room/")
                            .toString()
                            .equals("{\"count\":2,\"paths\":[{\"path\":\"/room/one\",\"count\":1},"
                                    + "{\"path\":\"/room/two\",\"count\":2}],\"next\":null}"));

            JsonNode c = view(a, cookie, "clients/" + onB.client());
            assertThat(c.get("user").asText()).isEqualTo("ruth");
            assertThat(c.get("info").get("name").asText()).isEqualTo("R");
            assertThat(c.get("interests").toString()).isEqualTo("[{\"path\":\"/room/two\"}]");
            assertThat(c.get("node").asText()).as("held by B").isEqualTo(tag(b));

            // By user, cluster-wide: A's own client (live) and B's (from the directory); never otto's.
            List<String> ruths =
                    List.of(onA.client(), onB.client()).stream().sorted().toList();
            await().atMost(WAIT)
                    .until(() -> clients(view(a, cookie, "users?user=ruth")).equals(ruths));
            JsonNode all = view(a, cookie, "users?user=ruth");
            assertThat(all.get("count").asInt()).isEqualTo(2);
            assertThat(all.get("next").isNull()).isTrue();
            assertThat(all.get("clients").findValuesAsText("node"))
                    .as("each with its node")
                    .containsExactlyElementsOf(ruths.stream()
                            .map(id -> id.equals(onA.client()) ? tag(a) : tag(b))
                            .toList());
            JsonNode first = view(a, cookie, "users?user=ruth&limit=1");
            JsonNode second = view(
                    a,
                    cookie,
                    "users?user=ruth&limit=1&after=" + first.get("next").asText());
            assertThat(List.of(clients(first).get(0), clients(second).get(0))).containsExactlyElementsOf(ruths);
            assertThat(second.get("next").isNull()).isTrue();
            assertThat(clients(view(a, cookie, "users?user=otto"))).containsExactly(other.client());
            assertThat(view(a, cookie, "users?user=rut").get("count").asInt())
                    .as("no prefix match")
                    .isZero();
            // The backend's /api/users on B answers the same clients.
            TestServer.Response backend = b.get("/api/users?user=ruth", "Authorization", BACKEND);
            assertThat(backend.status()).isEqualTo(200);
            assertThat(clients(backend.json())).isEqualTo(ruths);

            TestServer.Response r = a.post(
                    "/admin/api/disconnect",
                    "{\"client\":\"" + onB.client() + "\",\"reason\":\"moderated on a\",\"reconnect\":false}",
                    "Cookie",
                    cookie,
                    "X-Warren-Admin",
                    "1");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("tunnels").asInt()).isEqualTo(1);
            JsonNode close = onB.awaitControl("/meta/close", WAIT);
            assertThat(close.get("data").toString()).isEqualTo("{\"reason\":\"moderated on a\",\"reconnect\":false}");
            await().atMost(WAIT).until(onB::ended);

            await().atMost(WAIT)
                    .until(() -> a.get("/admin/api/clients/" + onB.client(), "Cookie", cookie)
                                    .status()
                            == 404);
            await().atMost(WAIT)
                    .until(() -> clients(view(a, cookie, "users?user=ruth")).equals(List.of(onA.client())));
            // Only that tunnel: A's client of the same user and B's other client are untouched.
            assertThat(view(a, cookie, "clients/" + other.client()).get("node").asText())
                    .isEqualTo(tag(b));
            assertThat(onA.controls()).noneMatch(d -> d.path("path").asText().equals("/meta/close"));
        }
    }

    @Test
    void nodeAsViewsAndDisconnectRefuseWithoutTheAdminSessionAndWithThePublishKey() {
        try (TunnelClient onB = AdminApiTest.open(b, "stream", "sam", "S", "subscribe=/room/three")) {
            await().atMost(WAIT)
                    .until(() -> a.get("/api/clients/" + onB.client(), "Authorization", BACKEND)
                                    .status()
                            == 200);
            // Two kinds of credential, four requests each: eight failures, below A's lockout (ten).
            AdminApiTest.refusedWith(
                    a,
                    List.of("paths?prefix=/", "clients/" + onB.client(), "users?user=sam"),
                    "{\"client\":\"" + onB.client() + "\",\"reason\":\"no\"}",
                    new String[][] {{}, {"Authorization", BACKEND}});
            // B's tunnel was not touched: the next thing it receives is this marker, not a /meta/close.
            TestServer.Response marker = b.post(
                    "/publish",
                    "{\"path\":\"/client/" + onB.client() + "\",\"data\":\"still here\"}",
                    "Authorization",
                    BACKEND);
            assertThat(marker.status()).as(marker.body()).isEqualTo(200);
            assertThat(onB.next().get("data").asText()).isEqualTo("still here");
            assertThat(onB.controls()).noneMatch(d -> d.path("path").asText().equals("/meta/close"));
            assertThat(onB.ended()).isFalse();
        }
    }
}
