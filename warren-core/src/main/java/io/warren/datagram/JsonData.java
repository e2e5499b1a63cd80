package io.warren.datagram;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code data} of a datagram is opaque: its bytes reach every subscriber exactly as the publisher
 * sent them. This class captures them from a streaming parse, which validates them once and builds no
 * tree: numbers are never converted ({@code 1e400} stays {@code 1e400}), strings never re-escaped. The
 * one change is that whitespace between tokens is dropped, so that a datagram stays on one line (SSE
 * and NDJSON frame by lines); a value sent compact is kept byte for byte. Bytes must be well-formed
 * UTF-8 (RFC 8259), so that any hop that decodes them as text (the Redis broker) gives them back
 * unchanged.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonData {
    /** {@code null}, the data of a datagram sent without one. */
    static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private static final JsonNode NONE = JsonNodeFactory.instance.objectNode();
    /** Reads one member's value mid-stream (the body goes on after it). */
    private static final ObjectReader VALUE =
            ClientDatagramParser.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonData() {}

    /** Validates {@code json} (one JSON value, nothing after it) and returns its data bytes. */
    public static byte[] of(String json) {
        return of(json.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #of(String)}, from UTF-8 bytes; throws {@code bad-json} when they are not one JSON value. */
    public static byte[] of(byte[] json) {
        try (JsonParser p = ClientDatagramParser.MAPPER.createParser(json)) {
            if (p.nextToken() == null) {
                throw new WarrenException(ErrorCode.BAD_JSON, "data is not JSON: empty");
            }
            byte[] data = capture(p, json, null);
            if (p.nextToken() != null) {
                throw new WarrenException(ErrorCode.BAD_JSON, "data is not JSON: trailing content");
            }
            return data;
        } catch (JsonParseException e) {
            throw new WarrenException(ErrorCode.BAD_JSON, "data is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new WarrenException(ErrorCode.BAD_JSON, "data is not JSON");
        }
    }

    /**
     * Captures the value whose first token {@code p} (a parser over {@code src}) has just read, leaving
     * the parser on its last token. When {@code fields} is not null and the value is an object, its
     * top-level {@code path}, {@code subpaths}, {@code since}, {@code recent}, {@code presence} and {@code token}
     * members are read on the way into {@code fields[0]} (what {@code /meta/subscribe} and {@code /meta/refresh}
     * need, so their data is parsed once).
     */
    static byte[] capture(JsonParser p, byte[] src, JsonNode[] fields) throws IOException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT && fields != null) {
            fields[0] = controlFields(p);
        } else if (t.isStructStart()) {
            p.skipChildren();
        } else {
            p.finishToken(); // strings are read lazily: reach the closing quote
        }
        int end = (int) p.currentLocation().getByteOffset();
        return checkUtf8(compact(src, start, end));
    }

    private static JsonNode controlFields(JsonParser p) throws IOException {
        ObjectNode found = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "path", "subpaths", "since", "recent", "presence", "token" -> {
                    if (found == null) {
                        found = JsonNodeFactory.instance.objectNode();
                    }
                    found.set(name, VALUE.readTree(p));
                }
                default -> {
                    if (v.isStructStart()) {
                        p.skipChildren();
                    }
                }
            }
        }
        return found == null ? NONE : found;
    }

    /** The bytes of {@code src[start, end)} without whitespace between tokens; a copy either way. */
    static byte[] compact(byte[] src, int start, int end) {
        int ws = -1;
        boolean inString = false;
        for (int i = start; i < end; i++) {
            byte b = src[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                ws = i;
                break;
            }
        }
        if (ws < 0) {
            return Arrays.copyOfRange(src, start, end);
        }
        byte[] out = new byte[end - start];
        int n = ws - start;
        System.arraycopy(src, start, out, 0, n);
        for (int i = ws; i < end; i++) {
            byte b = src[i];
            if (inString) {
                out[n++] = b;
                if (b == '\\') {
                    out[n++] = src[++i];
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                out[n++] = b;
                inString = b == '"';
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** {@code bytes} when they are well-formed UTF-8 (no overlong forms, no encoded surrogates). */
    private static byte[] checkUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes));
                } catch (CharacterCodingException e) {
                    throw new WarrenException(ErrorCode.BAD_JSON, "data is not well-formed UTF-8");
                }
                break;
            }
        }
        return bytes;
    }
}
