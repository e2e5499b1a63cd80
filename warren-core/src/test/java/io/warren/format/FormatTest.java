package io.warren.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.datagram.Datagram;
import io.warren.path.Path;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NASTY = "\"</script><script>alert(1)</script><!-- \u2028\u2029 & > 'q' \\\"";

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Datagram nasty() throws Exception {
        return new Datagram("n-1", Path.of("/a/b"), JSON.writeValueAsString(NASTY), null);
    }

    @Test
    void scriptEncodingCannotBreakOutAndDecodesToTheSameValue() throws Exception {
        Datagram d = nasty();
        String encoded = Encoding.SCRIPT.apply(s(d.json()));
        assertThat(encoded).doesNotContain("</script", "<!--", "<", ">", "&", "\u2028", "\u2029");
        assertThat(JSON.readTree(encoded).get("data").asText()).isEqualTo(NASTY);
        assertThat(JSON.readTree(encoded)).isEqualTo(JSON.readTree(d.json()));
    }

    @Test
    void jsStringEncodingIsAQuotedScriptSafeLiteral() throws Exception {
        String json = s(nasty().json());
        String literal = Encoding.JS_STRING.apply(json);
        assertThat(literal).startsWith("\"").endsWith("\"").doesNotContain("<", ">", "\u2028");
        assertThat(JSON.readValue(literal, String.class)).isEqualTo(json);
    }

    @Test
    void otherEncodings() {
        assertThat(Encoding.HTML.apply("<a href=\"x\">&'")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assertThat(new String(Base64.getDecoder().decode(Encoding.BASE64.apply("{\"é\":1}")), StandardCharsets.UTF_8))
                .isEqualTo("{\"é\":1}");
        assertThat(Encoding.URL.apply("{\"a b\":\"é\"}")).isEqualTo("%7B%22a%20b%22%3A%22%C3%A9%22%7D");
        assertThat(Encoding.JSON.apply("{}")).isEqualTo("{}");
        assertThat(Encoding.byName("js-string")).isEqualTo(Encoding.JS_STRING);
        assertThatThrownBy(() -> Encoding.byName("rot13")).hasMessageContaining("unknown encoding");
    }

    @Test
    void iframeEnvelopeIsScriptSafe() throws Exception {
        Format iframe = Formats.builtIn().get("iframe");
        String env = s(iframe.envelope(nasty()));
        assertThat(env).startsWith("<script>w(").endsWith(")</script>\n");
        String inner = env.substring("<script>w(".length(), env.length() - ")</script>\n".length());
        assertThat(inner).doesNotContain("<", "\u2028");
        assertThat(JSON.readTree(inner).get("data").asText()).isEqualTo(NASTY);
        String header = s(iframe.header("T", "C", "warren"));
        assertThat(header).contains("parent.warren(d)").contains(" ".repeat(2048));
    }

    @Test
    void sseSeparatesIdsFromControlDatagrams() {
        Format sse = Formats.builtIn().get("sse");
        Datagram d = new Datagram("n-7", Path.of("/x"), "1", null);
        assertThat(s(sse.envelope(d))).isEqualTo("id: n-7\ndata: {\"id\":\"n-7\",\"path\":\"/x\",\"data\":1}\n\n");
        assertThat(s(sse.envelope(Datagram.control("/meta/open", "{}"))))
                .isEqualTo("data: {\"path\":\"/meta/open\",\"data\":{}}\n\n");
        assertThat(s(sse.keepalive())).isEqualTo("data: {\"path\":\"/meta/keepalive\",\"data\":null}\n\n");
        assertThat(sse.contentType()).startsWith("text/event-stream");
    }

    @Test
    void pollFormatsJoinWithSeparatorAndWrapCallbacks() {
        Formats f = Formats.builtIn();
        Format jsonp = f.get("jsonp");
        assertThat(jsonp.mode()).isEqualTo(Mode.POLL);
        assertThat(jsonp.callbackRequired()).isTrue();
        assertThat(s(jsonp.header("T", "C", "cb"))).isEqualTo("/**/cb([");
        assertThat(s(jsonp.footer("T", "C", "cb"))).isEqualTo("]);");
        assertThat(s(f.get("longpoll").separator())).isEqualTo(",");
        assertThat(f.get("iframe").callbackRequired()).isFalse();
        assertThat(f.all())
                .extracting(Format::name)
                .containsExactly("sse", "stream", "iframe", "longpoll", "jsonp", "ws");
    }

    @Test
    void webSocketFormatIsOneFramedMessageOfPlainJsonPerDatagram() {
        Format ws = Formats.builtIn().get("ws");
        assertThat(ws.transportFramed()).isTrue();
        assertThat(ws.mode()).isEqualTo(Mode.STREAM);
        assertThat(s(ws.header("T", "C", null))).isEmpty();
        assertThat(s(ws.footer("T", "C", null))).isEmpty();
        assertThat(s(ws.separator())).isEmpty();
        Datagram d = new Datagram("n-1", Path.of("/x"), "{\"a\":\"</script>\"}", "C");
        assertThat(s(ws.envelope(d))).isEqualTo(s(d.json()));
        assertThat(s(ws.keepalive())).isEqualTo("{\"path\":\"/meta/keepalive\",\"data\":null}");
    }

    @Test
    void envelopeIsRenderedOncePerDatagramAndFormatAndShared() {
        Format stream = Formats.builtIn().get("stream");
        Datagram d = new Datagram("n-1", Path.of("/x"), "true", null);
        byte[] first = stream.envelope(d);
        assertThat(stream.envelope(d)).isSameAs(first);
        assertThat(Formats.builtIn().get("sse").envelope(d)).isNotSameAs(first);
    }

    @Test
    void operatorFormatsFromTemplates() {
        Formats f = Formats.builder()
                .add(Format.builder("plain")
                        .contentType("text/plain")
                        .header("hello {client} {padding}|\n")
                        .envelope("{id} {path} {datagram}\n")
                        .control("# {path} {datagram}\n")
                        .keepalive(".\n")
                        .footer("bye {client}\n")
                        .encoding(Encoding.BASE64))
                .build();
        Format plain = f.get("plain");
        assertThat(plain.slot()).as("after the six built-in formats").isEqualTo(6);
        Datagram d = new Datagram("n-1", Path.of("/x"), "{\"json\":{\"in\":\"braces\"}}", null);
        String env = s(plain.envelope(d));
        assertThat(env).startsWith("n-1 /x ");
        assertThat(new String(Base64.getDecoder().decode(env.substring(7).trim()), StandardCharsets.UTF_8))
                .isEqualTo(s(d.json()));
        assertThat(s(plain.keepalive())).isEqualTo(".\n");
        assertThat(s(plain.header("T", "C1", null))).startsWith("hello C1 ").endsWith("|\n");
        assertThat(s(plain.footer("T", "C1", null))).isEqualTo("bye C1\n");
    }

    @Test
    void templatesRejectUnknownPlaceholdersButKeepOtherBraces() {
        assertThatThrownBy(() -> Template.compile("{datagram} {tunel}", Template.DATAGRAM_PLACEHOLDERS))
                .hasMessageContaining("{tunel}");
        assertThatThrownBy(() -> Formats.builder()
                        .add(Format.builder("bad").envelope("{tunnel} {datagram}"))
                        .build())
                .hasMessageContaining("{tunnel}");
        assertThatThrownBy(() -> Formats.builder()
                        .add(Format.builder("bad").envelope("no datagram"))
                        .build())
                .hasMessageContaining("{datagram}");
        assertThatThrownBy(() -> Format.builder("Bad Name")).hasMessageContaining("format name");
        Template t = Template.compile("{\"wrap\":{datagram}} function(){ }", Set.of("datagram"));
        assertThat(t.render(p -> "1")).isEqualTo("{\"wrap\":1} function(){ }");
    }

    @Test
    void theControlEnvelopeDefaultsToTheEnvelopeWithoutItsIdLines() {
        Format f = Formats.builder()
                .add(Format.builder("events").envelope("id: {id}\nevent: x\ndata: {datagram}\n\n"))
                .add(Format.builder("plain").envelope("{id} {path} {datagram}\n"))
                .build()
                .get("events");
        Datagram open = Datagram.control("/meta/open", "1");
        assertThat(s(f.envelope(open))).isEqualTo("event: x\ndata: {\"path\":\"/meta/open\",\"data\":1}\n\n");
        assertThat(s(f.keepalive())).isEqualTo("event: x\ndata: {\"path\":\"/meta/keepalive\",\"data\":null}\n\n");
        assertThat(Format.withoutIdLines("{id} {path} {datagram}\n")).isEqualTo(" {path} {datagram}\n");
        assertThatThrownBy(() -> Formats.builder()
                        .add(Format.builder("bad").control("id: {id}\n{datagram}"))
                        .build())
                .hasMessageContaining("{id}");
        assertThatThrownBy(() -> Formats.builder()
                        .add(Format.builder("bad").control("{path}\n"))
                        .build())
                .hasMessageContaining("control envelope must contain {datagram}");
    }
}
