package io.warren.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.redis.RedisProcess;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * {@code ./warren --redis=...} works out of the box although warren-server no longer compiles against
 * warren-redis: the runnable jar carries it, with its {@code BrokerProvider} service entry, and two
 * processes of that jar form a cluster through a real redis-server.
 */
class ClusterJarIT {

    @Test
    void warrenJarCarriesTheRedisProviderAndTwoProcessesClusterThroughRedis() throws Exception {
        try (JarFile jar = new JarFile(WarrenProcess.jar().toFile())) {
            var services = jar.getEntry("META-INF/services/io.warren.spi.BrokerProvider");
            assertThat(services).isNotNull();
            assertThat(new String(jar.getInputStream(services).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("io.warren.redis.RedisBrokerProvider");
            assertThat(jar.getEntry("io/lettuce/core/RedisClient.class")).isNotNull();
        }
        try (RedisProcess redis = RedisProcess.start();
                WarrenProcess a =
                        WarrenProcess.start(Map.of(), "--host=127.0.0.1", "--port=0", "--redis=" + redis.uri());
                WarrenProcess b =
                        WarrenProcess.start(Map.of(), "--host=127.0.0.1", "--port=0", "--redis=" + redis.uri())) {
            int portA = a.awaitPort();
            int portB = b.awaitPort();
            try (TunnelClient sub = TunnelClient.open(portA, "stream", "subscribe=/across")) {
                sub.awaitOpen();
                TestServer.Response r =
                        TestServer.sendTo(portB, "POST", "/publish", "{\"path\":\"/across\",\"data\":7}");
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.json().get(0).get("ok").asBoolean()).isTrue();
                assertThat(sub.next().get("data").asInt())
                        .as("published on B, delivered on A")
                        .isEqualTo(7);
            }
        }
    }
}
