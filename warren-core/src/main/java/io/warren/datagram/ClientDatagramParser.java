package io.warren.datagram;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import java.io.IOException;
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
        JsonNode root;
        try {
            root = MAPPER.readTree(body, offset, length);
        } catch (JsonProcessingException e) {
            throw new WarrenException(ErrorCode.BAD_JSON, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new WarrenException(ErrorCode.BAD_JSON, "unreadable JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw new WarrenException(ErrorCode.BAD_JSON, "empty body");
        }
        List<ClientDatagram> out = new ArrayList<>();
        if (root.isArray()) {
            if (root.isEmpty()) {
                throw new WarrenException(ErrorCode.BAD_REQUEST, "an empty array holds no datagram");
            }
            if (root.size() > MAX_DATAGRAMS) {
                throw new WarrenException(ErrorCode.TOO_LARGE, "at most " + MAX_DATAGRAMS + " datagrams per request");
            }
            for (JsonNode n : root) {
                out.add(entry(n));
            }
        } else if (root.isObject()) {
            out.add(entry(root));
        } else {
            throw new WarrenException(ErrorCode.BAD_REQUEST, "expected a datagram object or an array of them");
        }
        return out;
    }

    public static List<ClientDatagram> parse(byte[] body) {
        return parse(body, 0, body.length);
    }

    /** One datagram from query parameters ({@code GET /events}); {@code data} is JSON text or null. */
    public static ClientDatagram fromParameters(String tunnel, String path, String data, String ref) {
        String compact = null;
        if (data != null) {
            try {
                compact = MAPPER.writeValueAsString(MAPPER.readTree(data));
            } catch (JsonProcessingException e) {
                throw new WarrenException(ErrorCode.BAD_JSON, "data is not JSON: " + e.getOriginalMessage());
            }
        }
        if (path == null) {
            throw new WarrenException(ErrorCode.BAD_REQUEST, "path is required");
        }
        checkRef(ref);
        checkTunnel(tunnel);
        return new ClientDatagram(tunnel, path, compact, ref, null);
    }

    private static ClientDatagram entry(JsonNode n) {
        if (!n.isObject()) {
            return ClientDatagram.invalid(
                    new WarrenException(ErrorCode.BAD_REQUEST, "a datagram must be a JSON object"), null);
        }
        JsonNode tunnel = n.get("tunnel");
        if (tunnel != null && !tunnel.isNull() && !tunnel.isTextual()) {
            return ClientDatagram.invalid(new WarrenException(ErrorCode.BAD_REQUEST, "tunnel must be a string"), null);
        }
        String t = tunnel == null || tunnel.isNull() ? null : tunnel.asText();
        if (t != null && (t.isEmpty() || t.length() > MAX_TUNNEL_LENGTH)) {
            return ClientDatagram.invalid(new WarrenException(ErrorCode.BAD_REQUEST, "malformed tunnel id"), null);
        }
        String ref = null;
        JsonNode id = n.get("id");
        if (id != null && !id.isNull()) {
            if (!id.isTextual() && !id.isIntegralNumber()) {
                return ClientDatagram.invalid(
                        new WarrenException(ErrorCode.BAD_REQUEST, "id must be a string or an integer"), null, t);
            }
            ref = id.asText();
        }
        try {
            checkRef(ref);
            JsonNode path = n.get("path");
            if (path == null || !path.isTextual()) {
                throw new WarrenException(ErrorCode.BAD_REQUEST, "path is required and must be a string");
            }
            JsonNode data = n.get("data");
            String json = data == null ? null : MAPPER.writeValueAsString(data);
            return new ClientDatagram(t, path.asText(), json, ref, null);
        } catch (WarrenException e) {
            return ClientDatagram.invalid(e, ref, t);
        } catch (JsonProcessingException e) {
            return ClientDatagram.invalid(new WarrenException(ErrorCode.BAD_JSON, "data cannot be encoded"), ref, t);
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

    /** Reads a subscription's {@code data}: {@code {"path":P,"subpaths":B}}. */
    public static JsonNode tree(String json) {
        try {
            return json == null ? null : MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new WarrenException(ErrorCode.BAD_JSON, "data is not JSON");
        }
    }
}
