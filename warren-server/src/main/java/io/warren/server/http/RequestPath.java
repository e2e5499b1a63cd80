package io.warren.server.http;

import io.warren.ErrorCode;

/**
 * The one owner of "which path does this request target". Every decision that depends on the path (the
 * router, the allowed-origins check) takes it from here, so no two of them can disagree about
 * {@code /%74unnel} and {@code /tunnel}.
 *
 * <p>Warren's own paths are plain ASCII names, so only canonical paths are accepted: no percent-encoding,
 * no backslash, no empty, {@code .} or {@code ..} segment. For a canonical path the raw and the decoded form
 * are the same string; anything else is refused with 400 before it reaches an endpoint.
 */
public final class RequestPath {
    private RequestPath() {}

    /** The path of a request target (the part before {@code ?}), or a {@code bad-request} for a non-canonical one. */
    public static String of(String uri) {
        String path = orNull(uri);
        if (path == null) {
            throw ErrorCode.BAD_REQUEST.exception(
                    "non-canonical request path (percent-encoding, '//', '.' or '..' segments are refused)");
        }
        return path;
    }

    /** As {@link #of}, but null for a non-canonical path. */
    public static String orNull(String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (path.isEmpty() || path.charAt(0) != '/') {
            return null;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '%' || c == '\\' || c == '#') {
                return null;
            }
        }
        if (path.contains("//")
                || path.contains("/./")
                || path.contains("/../")
                || path.endsWith("/.")
                || path.endsWith("/..")) {
            return null;
        }
        return path;
    }
}
