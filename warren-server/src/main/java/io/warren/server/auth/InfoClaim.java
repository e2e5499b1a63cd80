package io.warren.server.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.ErrorCode;
import io.warren.spi.Identity;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads the client's public profile ({@link Identity#INFO_ATTRIBUTE}): the JWT claim {@code warren.info} or
 * the callback answer's {@code info}. The rule, one for both authenticators: absent or {@code null} is no
 * profile; anything else must be a JSON object whose compact text is at most {@value #MAX_BYTES} bytes of
 * UTF-8, else the open is refused (never silently dropped: a profile the application meant to send and
 * that presence then lacks would be a bug nobody sees): a JWT with 401 {@code unauthorized}, a callback
 * answer like any other bad answer, 503 {@code overloaded}. The profile is shown to whoever reads presence, so
 * it must hold nothing secret.
 */
final class InfoClaim {
    /** The bound on a profile's compact JSON text. */
    static final int MAX_BYTES = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private InfoClaim() {}

    /** A JWT claim value (nimbus gives an object as a map): the profile as JSON text, or null. */
    static String fromClaim(Object claim) {
        if (claim == null) {
            return null;
        }
        if (!(claim instanceof Map<?, ?>)) {
            throw refusal("must be a JSON object");
        }
        try {
            return bounded(JSON.writeValueAsString(claim));
        } catch (JsonProcessingException e) {
            throw refusal("is not JSON");
        }
    }

    /** A member of a callback answer: the profile as JSON text, or null. */
    static String fromAnswer(JsonNode info) {
        if (info == null || info.isNull()) {
            return null;
        }
        if (!info.isObject()) {
            throw refusal("must be a JSON object");
        }
        return bounded(info.toString());
    }

    private static String bounded(String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw refusal("may have at most " + MAX_BYTES + " bytes");
        }
        return text;
    }

    private static io.warren.WarrenException refusal(String why) {
        return ErrorCode.UNAUTHORIZED.exception("the client's info (" + Identity.INFO_ATTRIBUTE + ") " + why);
    }
}
