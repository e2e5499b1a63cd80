package io.warren.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.warren.ErrorCode;
import java.util.List;

/** Query-parameter helpers that refuse ambiguity: a parameter given twice where one is expected is a 400. */
final class Requests {
    private static final int MAX_PARAMETER = 2048;

    private Requests() {}

    static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw ErrorCode.BAD_REQUEST.exception("parameter '" + name + "' is given more than once");
        }
        String s = v.get(0);
        if (s.length() > MAX_PARAMETER) {
            throw ErrorCode.TOO_LARGE.exception("parameter '" + name + "' is too long");
        }
        return s;
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
