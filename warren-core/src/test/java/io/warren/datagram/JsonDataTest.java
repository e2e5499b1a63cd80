package io.warren.datagram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.format.Encoding;
import io.warren.path.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Data is opaque: validated once, kept byte for byte, whitespace between tokens dropped, nothing else. */
class JsonDataTest {

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void numbersAndStringsKeepTheirBytes() {
        for (String v : List.of(
                "1e3",
                "12345678901234567.5",
                "1e400",
                "1e-400",
                "-0",
                "\"\\u00e9\\/\"",
                "\"é😀\"",
                "[1E+2,{\"a\":0.10}]")) {
            assertThat(s(JsonData.of(v))).isEqualTo(v);
            byte[] body = ("{\"path\":\"/a\",\"data\":" + v + "}").getBytes(StandardCharsets.UTF_8);
            assertThat(ClientDatagramParser.parse(body).get(0).dataText()).isEqualTo(v);
        }
        Datagram d = new Datagram("i-1", Path.of("/a"), JsonData.of("1e400"), "c");
        assertThat(s(d.json())).isEqualTo("{\"id\":\"i-1\",\"path\":\"/a\",\"data\":1e400,\"from\":\"c\"}");
    }

    @Test
    void whitespaceOutsideStringsGoesInsideStringsStays() {
        assertThat(s(JsonData.of(" {\n\t\"a b\" : [ 1 , \"x \\\" y\" ] }\r\n")))
                .isEqualTo("{\"a b\":[1,\"x \\\" y\"]}");
    }

    @Test
    void invalidDataIsBadJson() {
        for (String bad : List.of("", "{", "[1,]", "01", "NaN", "{\"a\":1,\"a\":2}", "1 2", "'x'")) {
            assertThatThrownBy(() -> JsonData.of(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            WarrenException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON));
        }
        // An encoded surrogate (CESU-8) and an overlong form are not UTF-8.
        for (byte[] bad : List.of(
                new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
                new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'})) {
            assertThatThrownBy(() -> JsonData.of(bad)).isInstanceOf(WarrenException.class);
        }
    }

    @Test
    void subscribeFieldsAreReadInTheSameParse() {
        ClientDatagram cd = ClientDatagramParser.parse(
                        "{\"path\":\"/meta/subscribe\",\"data\":{\"x\":{\"path\":1},\"path\":\"/a/*\",\"recent\":3}}"
                                .getBytes(StandardCharsets.UTF_8))
                .get(0);
        assertThat(cd.fields().get("path").asText()).isEqualTo("/a/*");
        assertThat(cd.fields().get("recent").asInt()).isEqualTo(3);
        assertThat(cd.fields().has("x")).isFalse();
        assertThat(ClientDatagramParser.parse("{\"path\":\"/p\",\"data\":[1]}".getBytes(StandardCharsets.UTF_8))
                        .get(0)
                        .fields())
                .isNull();
    }

    @Test
    void encodingsWorkOnBytesAndCopyOnlyWhenTheyMust() {
        byte[] plain = "{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(Encoding.JSON.apply(plain)).isSameAs(plain);
        assertThat(Encoding.SCRIPT.apply(plain)).isSameAs(plain);
        assertThat(s(Encoding.SCRIPT.apply("[\"</script>\u2028&\"]".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("[\"\\u003c/script\\u003e\\u2028\\u0026\"]");
        assertThat(s(Encoding.JS_STRING.apply("{\"a\":\"\\n\"}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("\"{\\\"a\\\":\\\"\\\\n\\\"}\"");
    }
}
