package io.warren.datagram;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.ErrorCode;
import io.warren.path.PathPattern;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire text of every control datagram, byte for byte (docs/protocol.md). */
class ControlDatagramsTest {

    @Test
    void openListsOnlyWhatApplies() {
        assertThat(ControlDatagrams.open("T", "C", "/client/C", 25000, false, false, null, null)
                        .toString())
                .isEqualTo(
                        "{\"path\":\"/meta/open\",\"data\":{\"tunnel\":\"T\",\"client\":\"C\",\"path\":\"/client/C\","
                                + "\"keepalive\":25000,\"resumed\":false}}");
        assertThat(ControlDatagrams.open("T", "C", "/client/C", 5, true, true, "OLD", "[\"/a\"]")
                        .toString())
                .isEqualTo(
                        "{\"path\":\"/meta/open\",\"data\":{\"tunnel\":\"T\",\"client\":\"C\",\"path\":\"/client/C\","
                                + "\"keepalive\":5,\"resumed\":true,\"gap\":true,\"replaced\":\"OLD\",\"refused\":[\"/a\"]}}");
    }

    @Test
    void gapIsAResumedOpenSayingGap() {
        assertThat(ControlDatagrams.gap("T", "C", "/client/C", 7).toString())
                .isEqualTo(ControlDatagrams.open("T", "C", "/client/C", 7, true, true, null, null)
                        .toString())
                .contains("\"resumed\":true,\"gap\":true}");
    }

    @Test
    void closeAndRefusedOpen() {
        assertThat(ControlDatagrams.close("slow", true).toString())
                .isEqualTo("{\"path\":\"/meta/close\",\"data\":{\"reason\":\"slow\",\"reconnect\":true}}");
        assertThat(ControlDatagrams.refusedOpen("forbidden", "no \"way\"").toString())
                .isEqualTo("{\"path\":\"/meta/close\",\"data\":{\"reason\":\"forbidden\",\"reconnect\":false,"
                        + "\"error\":\"forbidden\",\"message\":\"no \\\"way\\\"\"}}");
        assertThat(ControlDatagrams.refusedOpen("x", null).toString()).endsWith("\"message\":\"\"}}");
    }

    @Test
    void errorAndAck() {
        assertThat(ControlDatagrams.error("bad-request", "oops").toString())
                .isEqualTo("{\"path\":\"/meta/error\",\"data\":{\"error\":\"bad-request\",\"message\":\"oops\"}}");
        Ack ack = Ack.error(ErrorCode.FORBIDDEN, "no", "r1");
        assertThat(ControlDatagrams.ack(ack).toString())
                .isEqualTo("{\"path\":\"/meta/ack\",\"data\":" + ack.toJson() + "}");
        assertThat(ControlDatagrams.ack(ack).isControl()).isTrue();
    }

    @Test
    void refusedIsAnArrayOfWirePathsOrNothing() {
        assertThat(ControlDatagrams.refused(List.of())).isNull();
        assertThat(ControlDatagrams.refused(List.of(PathPattern.parse("/a", false), PathPattern.parse("/b", true))))
                .isEqualTo("[\"/a\",\"/b\"]");
    }
}
