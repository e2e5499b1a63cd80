package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.redis.RedisProcess;
import io.warren.server.support.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** /readyz follows the reachability of the node's Redis, for real: stopped and restarted. */
class ClusterReadinessTest {

    @Test
    void readyOnlyWhileRedisAnswers() {
        try (RedisProcess redis = RedisProcess.start();
                TestServer node = ClusterTest.node(redis)) {
            TestServer.Response r = node.get("/readyz");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("broker").asText()).isEqualTo("ok");

            redis.stop();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                TestServer.Response down = node.get("/readyz");
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.json().get("status").asText()).isEqualTo("unready");
            });
            assertThat(node.get("/healthz").status()).as("alive all the same").isEqualTo(200);

            redis.restart();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> node.get("/readyz").status() == 200);
        }
    }
}
