package io.warren.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.warren.ErrorCode;
import java.util.List;

/** Query-parameter helpers that refuse ambiguity: a parameter given twice where one is expected is a 400. */
final class Requests {
    private static final int MAX_PARAMETER = 2048;

    private Requests() {}

    /**
     * Refuses a request with any parameter (known or not, name or value) over {@value #MAX_PARAMETER}
     * characters: one rule for every parameter, before an endpoint reads any.
     */
    static void checkLengths(QueryStringDecoder q) {
        for (var e : q.parameters().entrySet()) {
            if (e.getKey().length() > MAX_PARAMETER) {
                throw ErrorCode.TOO_LARGE.exception("a parameter name is too long");
            }
            for (String v : e.getValue()) {
                if (v.length() > MAX_PARAMETER) {
                    throw ErrorCode.TOO_LARGE.exception(
                            "parameter '" + e.getKey() + "' is too long (at most " + MAX_PARAMETER + " characters)");
                }
            }
        }
    }

    static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw ErrorCode.BAD_REQUEST.exception("parameter '" + name + "' is given more than once");
        }
        return v.get(0);
    }

    static List<String> params(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null ? List.of() : v;
    }

    /** A tunnel id as the server makes them: URL-safe Base64, bounded length. */
    static String tunnelId(String s) {
        if (s == null) {
            return null;
        }
        if (s.isEmpty()
                || s.length() > 64
                || !s.chars()
                        .allMatch(c -> (c >= 'a' && c <= 'z')
                                || (c >= 'A' && c <= 'Z')
                                || (c >= '0' && c <= '9')
                                || c == '-'
                                || c == '_')) {
            throw ErrorCode.BAD_REQUEST.exception("malformed tunnel id");
        }
        return s;
    }
}
