package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.redis.RedisProcess;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data is opaque across the Redis broker too: a datagram published on one node reaches a subscriber on
 * another, live and from the history log, with its data byte for byte as sent.
 */
class OpaqueDataClusterTest {
    static final List<String> NASTY = List.of(
            "1e3",
            "12345678901234567.5",
            "1e400",
            "1e-400",
            "\"\\u00e9 é 😀 \\ud83d\\ude00 \u2028 </script> \\n\\\"\"",
            "{\"a\":[-0,0.10,1E+2],\"中\":null}");

    static RedisProcess redis;
    static TestServer a;
    static TestServer b;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
        a = ClusterTest.node(redis);
        b = ClusterTest.node(redis);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void dataCrossesRedisByteForByte() {
        try (TunnelClient live = b.open("sse", "subscribe=/opaque/*")) {
            live.awaitOpen();
            List<String> expected = new ArrayList<>();
            for (String v : NASTY) {
                String id = a.publish("{\"path\":\"/opaque/x\",\"data\":" + v + "}")
                        .get(0)
                        .get("id")
                        .asText();
                expected.add(
                        "id: " + id + "\ndata: {\"id\":\"" + id + "\",\"path\":\"/opaque/x\",\"data\":" + v + "}\n\n");
            }
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(live.rawText()).contains(expected));
        }
    }

    @Test
    void historyFromRedisKeepsTheBytes() {
        List<String> expected = new ArrayList<>();
        for (String v : NASTY.subList(0, 3)) {
            String id = a.publish("{\"path\":\"/hist/opaque\",\"data\":" + v + "}")
                    .get(0)
                    .get("id")
                    .asText();
            expected.add("\n{\"id\":\"" + id + "\",\"path\":\"/hist/opaque\",\"data\":" + v + "}\n");
        }
        try (TunnelClient late = b.open("stream")) {
            late.awaitOpen();
            b.events("{\"tunnel\":\"" + late.tunnel()
                    + "\",\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/hist/opaque\",\"recent\":3}}");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(late.rawText()).contains(expected));
        }
    }
}
