package io.warren.datagram;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the bodies of {@code POST /events}, {@code POST /publish} and WebSocket messages: one datagram
 * object or an array of them. Strict JSON: duplicate keys, trailing garbage and non-standard syntax are
 * {@code bad-json} for the whole request; an entry that is valid JSON but not a usable datagram becomes
 * a {@link ClientDatagram#invalid} entry so the others can proceed. Knows only bytes; thread-safe.
 */
public final class ClientDatagramParser {
    /** Request-level bound on datagrams per request. */
    public static final int MAX_DATAGRAMS = 1000;
    /** Bound on a client-chosen id's length. */
    public static final int MAX_REF_LENGTH = 128;
    /** Bound on a tunnel id's length, to refuse junk before any lookup. */
    public static final int MAX_TUNNEL_LENGTH = 64;

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    private ClientDatagramParser() {}

    /** Parses a JSON body; throws {@code bad-json} or {@code bad-request} for the request as a whole. */
    public static List<ClientDatagram> parse(byte[] body, int offset, int length) {
        List<ClientDatagram> out = new ArrayList<>();
        int entries = 0;
        boolean notDatagrams = false;
        try (JsonParser p = MAPPER.createParser(body, offset, length)) {
            JsonToken root = p.nextToken();
            if (root == null) {
                throw new WarrenException(ErrorCode.BAD_JSON, "empty body");
            }
            if (root == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (++entries > MAX_DATAGRAMS) {
                        skipValue(p); // parsed to the end all the same: malformed JSON says bad-json first
                    } else {
                        out.add(entry(p, body));
                    }
                }
            } else if (root == JsonToken.START_OBJECT) {
                out.add(entry(p, body));
            } else {
                skipValue(p);
                notDatagrams = true;
            }
            if (p.nextToken() != null) {
                throw new WarrenException(ErrorCode.BAD_JSON, "malformed JSON: trailing content after the value");
            }
        } catch (JsonProcessingException e) {
            throw new WarrenException(ErrorCode.BAD_JSON, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new WarrenException(ErrorCode.BAD_JSON, "unreadable JSON");
        }
        if (notDatagrams) {
            throw new WarrenException(ErrorCode.BAD_REQUEST, "expected a datagram object or an array of them");
        }
        if (out.isEmpty()) {
            throw new WarrenException(ErrorCode.BAD_REQUEST, "an empty array holds no datagram");
        }
        if (entries > MAX_DATAGRAMS) {
            throw new WarrenException(ErrorCode.TOO_LARGE, "at most " + MAX_DATAGRAMS + " datagrams per request");
        }
        return out;
    }

    public static List<ClientDatagram> parse(byte[] body) {
        return parse(body, 0, body.length);
    }

    /** One datagram from query parameters ({@code GET /events}); {@code data} is JSON text or null. */
    public static ClientDatagram fromParameters(String tunnel, String path, String data, String ref) {
        byte[] bytes = null;
        JsonNode[] fields = new JsonNode[1];
        if (data != null) {
            byte[] src = data.getBytes(StandardCharsets.UTF_8);
            try (JsonParser p = MAPPER.createParser(src)) {
                if (p.nextToken() == null) {
                    throw new WarrenException(ErrorCode.BAD_JSON, "data is not JSON: empty");
                }
                bytes = JsonData.capture(p, src, fields);
                if (p.nextToken() != null) {
                    throw new WarrenException(ErrorCode.BAD_JSON, "data is not JSON: trailing content");
                }
            } catch (JsonProcessingException e) {
                throw new WarrenException(ErrorCode.BAD_JSON, "data is not JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new WarrenException(ErrorCode.BAD_JSON, "data is not JSON");
            }
        }
        if (path == null) {
            throw new WarrenException(ErrorCode.BAD_REQUEST, "path is required");
        }
        checkRef(ref);
        checkTunnel(tunnel);
        return new ClientDatagram(tunnel, path, bytes, ref, null, fields[0]);
    }

    /** Skips the value whose first token the parser has read, validating it. */
    private static void skipValue(JsonParser p) throws IOException {
        if (p.currentToken().isStructStart()) {
            p.skipChildren();
        } else {
            p.finishToken();
        }
    }

    /**
     * One entry of the body, the parser on its first token; leaves it on the entry's last token. Fields
     * are read in one pass; the checks then run in a fixed order (tunnel, id, path), whatever the order
     * of the fields.
     */
    private static ClientDatagram entry(JsonParser p, byte[] body) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            skipValue(p);
            return ClientDatagram.invalid(
                    new WarrenException(ErrorCode.BAD_REQUEST, "a datagram must be a JSON object"), null);
        }
        JsonToken tunnel = null;
        String tunnelText = null;
        JsonToken id = null;
        String idText = null;
        JsonToken path = null;
        String pathText = null;
        byte[] data = null;
        JsonNode[] fields = new JsonNode[1];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "tunnel" -> {
                    tunnel = v;
                    tunnelText = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    skipValue(p);
                }
                case "id" -> {
                    id = v;
                    idText = v == JsonToken.VALUE_STRING
                            ? p.getText()
                            : v == JsonToken.VALUE_NUMBER_INT
                                    ? p.getNumberValue().toString()
                                    : null;
                    skipValue(p);
                }
                case "path" -> {
                    path = v;
                    pathText = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    skipValue(p);
                }
                case "data" -> data = JsonData.capture(p, body, fields);
                default -> skipValue(p);
            }
        }
        if (tunnel != null && tunnel != JsonToken.VALUE_NULL && tunnel != JsonToken.VALUE_STRING) {
            return ClientDatagram.invalid(new WarrenException(ErrorCode.BAD_REQUEST, "tunnel must be a string"), null);
        }
        String t = tunnelText;
        if (t != null && (t.isEmpty() || t.length() > MAX_TUNNEL_LENGTH)) {
            return ClientDatagram.invalid(new WarrenException(ErrorCode.BAD_REQUEST, "malformed tunnel id"), null);
        }
        if (id != null && id != JsonToken.VALUE_NULL && idText == null) {
            return ClientDatagram.invalid(
                    new WarrenException(ErrorCode.BAD_REQUEST, "id must be a string or an integer"), null, t);
        }
        String ref = idText;
        try {
            checkRef(ref);
            if (path == null || pathText == null) {
                throw new WarrenException(ErrorCode.BAD_REQUEST, "path is required and must be a string");
            }
            return new ClientDatagram(t, pathText, data, ref, null, fields[0]);
        } catch (WarrenException e) {
            return ClientDatagram.invalid(e, ref, t);
        }
    }

    private static void checkRef(String ref) {
        if (ref != null && (ref.isEmpty() || ref.length() > MAX_REF_LENGTH)) {
            throw new WarrenException(ErrorCode.BAD_REQUEST, "id must have 1 to " + MAX_REF_LENGTH + " characters");
        }
    }

    private static void checkTunnel(String tunnel) {
        if (tunnel != null && (tunnel.isEmpty() || tunnel.length() > MAX_TUNNEL_LENGTH)) {
            throw new WarrenException(ErrorCode.BAD_REQUEST, "malformed tunnel id");
        }
    }
}
