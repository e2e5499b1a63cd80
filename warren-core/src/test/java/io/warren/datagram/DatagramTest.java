package io.warren.datagram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.path.Path;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DatagramTest {

    @Test
    void encodesOnceAsJson() {
        Datagram d = new Datagram("n-1", Path.of("/a"), "{\"x\":\"\\\"q\\\"\"}", "c1");
        byte[] json = d.json();
        assertThat(new String(json, StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"n-1\",\"path\":\"/a\",\"data\":{\"x\":\"\\\"q\\\"\"},\"from\":\"c1\"}");
        assertThat(d.json()).isSameAs(json);
        assertThat(Datagram.control("/meta/open", null).toString())
                .isEqualTo("{\"path\":\"/meta/open\",\"data\":null}");
    }

    @Test
    void idsAreUniqueAcrossThreadsAndNodes() throws Exception {
        DatagramIds a = new DatagramIds();
        DatagramIds b = new DatagramIds();
        assertThat(a.tag()).isNotEqualTo(b.tag());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 25_000; i++) {
                    seen.add(a.next());
                    seen.add(b.next());
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).hasSize(200_000);
        assertThat(a.next()).matches("[0-9a-v]{12}-[0-9a-z]+");
    }

    @Test
    void parserAcceptsObjectsAndArraysWithPerEntryErrors() {
        List<ClientDatagram> ds =
                ClientDatagramParser.parse(("[{\"tunnel\":\"t\",\"path\":\"/a\",\"data\":{\"k\" : [1, 2]},\"id\":7},"
                                + "{\"path\":3},\"x\",{\"path\":\"/b\",\"id\":{}}]")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(ds).hasSize(4);
        assertThat(ds.get(0).dataText()).isEqualTo("{\"k\":[1,2]}");
        assertThat(ds.get(0).ref()).isEqualTo("7");
        assertThat(ds.get(0).tunnel()).isEqualTo("t");
        assertThat(ds.get(1).error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(ds.get(2).error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(ds.get(3).error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(ClientDatagramParser.parse("{\"path\":\"/a\",\"data\":\"s\"}".getBytes(StandardCharsets.UTF_8))
                        .get(0)
                        .dataText())
                .isEqualTo("\"s\"");
    }

    @Test
    void parserIsStrict() {
        for (String bad : List.of(
                "{\"path\":\"/a\"} x",
                "{\"path\":\"/a\",}",
                "{'path':'/a'}",
                "{\"path\":\"/a\",\"path\":\"/b\"}",
                "",
                "[1",
                "{\"path\":\"/a\"}{}",
                "/* c */ {\"path\":\"/a\"}",
                "{\"data\":NaN,\"path\":\"/a\"}")) {
            assertThatThrownBy(() -> ClientDatagramParser.parse(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad)
                    .isInstanceOf(WarrenException.class)
                    .satisfies(e -> assertThat(((WarrenException) e).code()).isEqualTo(ErrorCode.BAD_JSON));
        }
        assertThatThrownBy(() -> ClientDatagramParser.parse("[]".getBytes(StandardCharsets.UTF_8)))
                .satisfies(e -> assertThat(((WarrenException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> ClientDatagramParser.parse("42".getBytes(StandardCharsets.UTF_8)))
                .satisfies(e -> assertThat(((WarrenException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void ackShape() {
        assertThat(Ack.ok("i1", "r1").toJson()).isEqualTo("{\"ok\":true,\"id\":\"i1\",\"ref\":\"r1\"}");
        assertThat(Ack.ok("i1", null).toJson()).isEqualTo("{\"ok\":true,\"id\":\"i1\"}");
        assertThat(Ack.error(ErrorCode.FORBIDDEN, "no \"way\"", null).toJson())
                .isEqualTo("{\"ok\":false,\"error\":\"forbidden\",\"message\":\"no \\\"way\\\"\"}");
        Set<String> codes = new HashSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            codes.add(c.wireName());
            assertThat(c.httpStatus()).isBetween(400, 599);
        }
        assertThat(codes)
                .contains(
                        "bad-request",
                        "bad-json",
                        "bad-path",
                        "unknown-format",
                        "unknown-tunnel",
                        "too-large",
                        "bad-callback",
                        "method-not-allowed",
                        "unauthorized",
                        "forbidden");
    }
}
