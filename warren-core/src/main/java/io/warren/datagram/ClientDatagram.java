package io.warren.datagram;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.WarrenException;
import java.nio.charset.StandardCharsets;

/**
 * One datagram as a client or backend sent it, before validation of its path: {@code tunnel},
 * {@code path}, {@code data} (the value's bytes as sent, validated JSON, see {@link JsonData}; or
 * {@code null}), the client-chosen {@code ref} (sent as {@code id}), or the {@code error} that made the
 * entry unusable. {@code fields} holds what a {@code /meta/subscribe} reads from an object {@code data}
 * ({@code path}, {@code subpaths}, {@code since}, {@code recent}, {@code presence}; {@code token} for
 * {@code /meta/refresh}), read in the same parse; null when
 * {@code data} is not an object. Immutable: nobody writes into {@code data} or {@code fields}.
 */
// The bytes are shared, never copied, and never written (see above): record equality on them is unused.
@SuppressWarnings("ArrayRecordComponent")
public record ClientDatagram(
        String tunnel, String path, byte[] data, String ref, WarrenException error, JsonNode fields) {

    /** A datagram whose {@code data} is JSON text that is valid already (tests, code). */
    public ClientDatagram(String tunnel, String path, String data, String ref, WarrenException error) {
        this(tunnel, path, data == null ? null : JsonData.of(data), ref, error, fieldsOf(data));
    }

    private static JsonNode fieldsOf(String data) {
        return data == null
                ? null
                : ClientDatagramParser.fromParameters(null, "/", data, null).fields();
    }

    /** The data as text (UTF-8), or null. */
    public String dataText() {
        return data == null ? null : new String(data, StandardCharsets.UTF_8);
    }

    public static ClientDatagram invalid(WarrenException error, String ref) {
        return new ClientDatagram(null, null, (byte[]) null, ref, error, null);
    }

    /** An unusable entry that still names its tunnel, so the request can be routed and the others proceed. */
    public static ClientDatagram invalid(WarrenException error, String ref, String tunnel) {
        return new ClientDatagram(tunnel, null, (byte[]) null, ref, error, null);
    }
}
