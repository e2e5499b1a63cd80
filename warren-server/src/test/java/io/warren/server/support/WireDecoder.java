package io.warren.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the bytes of each built-in format back into datagrams, the way a browser client would. Fed
 * incrementally; {@link #feed} returns the datagrams completed by the new text.
 */
public abstract class WireDecoder {
    public static final ObjectMapper JSON = new ObjectMapper();

    protected final StringBuilder buffer = new StringBuilder();

    public List<JsonNode> feed(String text) {
        buffer.append(text);
        return drain();
    }

    protected abstract List<JsonNode> drain();

    public static WireDecoder forFormat(String format) {
        return switch (format) {
            case "sse" -> new Sse();
            case "stream" -> new Lines();
            case "iframe" -> new Iframe();
            case "longpoll" -> new JsonArray(null);
            case "jsonp" -> new JsonArray("cb");
            default -> throw new IllegalArgumentException(format);
        };
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    /** text/event-stream: events end with a blank line; {@code id:} is kept as field "sseId". */
    public static final class Sse extends WireDecoder {
        @Override
        protected List<JsonNode> drain() {
            List<JsonNode> out = new ArrayList<>();
            int end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
                String event = buffer.substring(0, end);
                buffer.delete(0, end + 2);
                StringBuilder data = new StringBuilder();
                String id = null;
                for (String line : event.split("\n")) {
                    if (line.startsWith("data:")) {
                        data.append(data.length() > 0 ? "\n" : "")
                                .append(line.substring(5).trim());
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    }
                }
                if (data.length() > 0) {
                    JsonNode d = parse(data.toString());
                    if (id != null) {
                        ((com.fasterxml.jackson.databind.node.ObjectNode) d).put("sseId", id);
                    }
                    out.add(d);
                }
            }
            return out;
        }
    }

    /** application/x-ndjson: one JSON per line. */
    public static final class Lines extends WireDecoder {
        @Override
        protected List<JsonNode> drain() {
            List<JsonNode> out = new ArrayList<>();
            int end;
            while ((end = buffer.indexOf("\n")) >= 0) {
                String line = buffer.substring(0, end).trim();
                buffer.delete(0, end + 1);
                if (!line.isEmpty()) {
                    out.add(parse(line));
                }
            }
            return out;
        }
    }

    /** The forever-iframe: each datagram is {@code <script>w(JSON)</script>}. */
    public static final class Iframe extends WireDecoder {
        private static final Pattern CALL = Pattern.compile("<script>w\\((.*?)\\)</script>", Pattern.DOTALL);

        @Override
        protected List<JsonNode> drain() {
            List<JsonNode> out = new ArrayList<>();
            Matcher m = CALL.matcher(buffer);
            int consumed = 0;
            while (m.find()) {
                out.add(parse(m.group(1)));
                consumed = m.end();
            }
            buffer.delete(0, consumed);
            return out;
        }
    }

    /** Poll answers: a JSON array, optionally wrapped as {@code /**}{@code /CALLBACK([...]);}. */
    public static final class JsonArray extends WireDecoder {
        private final String callback;

        public JsonArray(String callback) {
            this.callback = callback;
        }

        @Override
        protected List<JsonNode> drain() {
            return List.of();
        }

        public List<JsonNode> whole(String body) {
            String json = body;
            if (callback != null) {
                int open = body.indexOf('(');
                json = body.substring(open + 1, body.lastIndexOf(");"));
            }
            List<JsonNode> out = new ArrayList<>();
            parse(json).forEach(out::add);
            return out;
        }
    }
}
