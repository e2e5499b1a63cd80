package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Point 6: /meta/subscribe and /meta/unsubscribe, pattern semantics, exactly-once delivery, in every format. */
class InterestTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode control(TunnelClient c, String path, String data) {
        return server.events("{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"" + path + "\",\"data\":" + data + "}")
                .get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe", "longpoll", "jsonp"})
    void patternsMatchAsDocumentedAndEachDatagramArrivesOnce(String format) {
        try (TunnelClient star = server.open(format);
                TunnelClient deep = server.open(format);
                TunnelClient sub = server.open(format);
                TunnelClient many = server.open(format)) {
            for (TunnelClient c : List.of(star, deep, sub, many)) {
                c.awaitOpen();
            }
            String room = "/" + format + "/room";
            assertThat(control(star, "/meta/subscribe", "{\"path\":\"" + room + "/*\"}")
                            .get("ok")
                            .asBoolean())
                    .isTrue();
            assertThat(control(deep, "/meta/subscribe", "{\"path\":\"" + room + "/**\"}")
                            .get("ok")
                            .asBoolean())
                    .isTrue();
            assertThat(control(sub, "/meta/subscribe", "{\"path\":\"" + room + "\",\"subpaths\":true}")
                            .get("ok")
                            .asBoolean())
                    .isTrue();
            for (String p : List.of(room + "/a", room + "/*", room + "/**", "/" + format + "/**")) {
                assertThat(control(many, "/meta/subscribe", "{\"path\":\"" + p + "\"}")
                                .get("ok")
                                .asBoolean())
                        .isTrue();
            }
            assertThat(control(many, "/meta/subscribe", "{\"path\":\"" + room + "\",\"subpaths\":true}")
                            .get("ok")
                            .asBoolean())
                    .isTrue();

            // The sender is 'many': it receives its own datagrams because it is interested.
            server.events("[{\"tunnel\":\"" + many.tunnel() + "\",\"path\":\"" + room + "\",\"data\":0},"
                    + "{\"tunnel\":\"" + many.tunnel() + "\",\"path\":\"" + room + "/a\",\"data\":1},"
                    + "{\"tunnel\":\"" + many.tunnel() + "\",\"path\":\"" + room + "/a/b\",\"data\":2}]");
            server.publish("{\"path\":\"/" + format + "/end\",\"data\":\"end\"}");

            assertThat(data(sub.await(3, Duration.ofSeconds(10)))).containsExactly("0", "1", "2");
            assertThat(data(star.await(1, Duration.ofSeconds(10)))).containsExactly("1");
            assertThat(data(deep.await(2, Duration.ofSeconds(10)))).containsExactly("1", "2");
            // 'many' holds five patterns matching /room/a, yet gets each datagram exactly once.
            assertThat(data(many.await(4, Duration.ofSeconds(10)))).containsExactly("0", "1", "2", "\"end\"");
            assertThat(many.pending()).isEmpty();

            // Unsubscribe one of the patterns: nothing changes for the others.
            assertThat(control(star, "/meta/unsubscribe", "{\"path\":\"" + room + "/*\"}")
                            .get("ok")
                            .asBoolean())
                    .isTrue();
            server.publish("[{\"path\":\"" + room + "/z\",\"data\":3},{\"path\":\"" + room + "/zz/y\",\"data\":4}]");
            assertThat(data(deep.await(2, Duration.ofSeconds(10)))).containsExactly("3", "4");
            server.publish("{\"path\":\"/" + format + "/room/q\",\"data\":\"for deep only\"}");
            assertThat(data(deep.await(1, Duration.ofSeconds(10)))).containsExactly("\"for deep only\"");
            assertThat(star.pending()).as("unsubscribed tunnel got nothing").isEmpty();
        }
    }

    private static List<String> data(List<JsonNode> ds) {
        return ds.stream().map(d -> d.get("data").toString()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "longpoll"})
    void controlPathsAndOtherClientsPathsAreForbidden(String format) {
        try (TunnelClient c = server.open(format);
                TunnelClient other = server.open(format)) {
            c.awaitOpen();
            other.awaitOpen();
            assertThat(control(c, "/meta/subscribe", "{\"path\":\"/meta/**\"}")
                            .get("error")
                            .asText())
                    .isEqualTo("forbidden");
            assertThat(control(c, "/meta/subscribe", "{\"path\":\"/client/" + other.client() + "\"}")
                            .get("error")
                            .asText())
                    .isEqualTo("forbidden");
            assertThat(control(c, "/meta/subscribe", "{\"path\":\"/client/*\"}")
                            .get("error")
                            .asText())
                    .isEqualTo("forbidden");
            assertThat(control(c, "/meta/close", "{}").get("error").asText()).isEqualTo("forbidden");
            assertThat(control(c, "/meta/subscribe", "{\"path\":\"/a/*/b\"}")
                            .get("error")
                            .asText())
                    .isEqualTo("bad-path");
            assertThat(control(c, "/meta/subscribe", "{\"nopath\":1}")
                            .get("error")
                            .asText())
                    .isEqualTo("bad-request");
            assertThat(control(c, "/meta/subscribe", "{\"path\":\"/x\",\"subpaths\":\"yes\"}")
                            .get("error")
                            .asText())
                    .isEqualTo("bad-request");
            // A wildcard over everything does not reach anyone's private path.
            assertThat(control(c, "/meta/subscribe", "{\"path\":\"/**\"}")
                            .get("ok")
                            .asBoolean())
                    .isTrue();
            server.publish("[{\"path\":\"/client/" + other.client()
                    + "\",\"data\":\"private\"},{\"path\":\"/public\",\"data\":\"public\"}]");
            assertThat(other.next().get("data").asText()).isEqualTo("private");
            assertThat(c.next().get("data").asText()).isEqualTo("public");
            assertThat(c.pending()).isEmpty();
        }
    }
}
