package io.warren.server.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.warren.format.Format;
import java.util.Locale;

/**
 * Whether a tunnel-open request may authenticate with the visitor's cookies. A format whose answer is
 * JavaScript or HTML ({@code jsonp}, {@code iframe}, and custom formats of those types) is read by
 * including it ({@code <script src>}, {@code <iframe src>}): the browser sends cookies and no
 * {@code Origin}, and the including page, from any site, gets the datagrams. For those formats cookies
 * count only when the browser says the request is {@code Sec-Fetch-Site: same-origin} or
 * {@code same-site}; otherwise the request is authenticated as if it carried no cookie (a token in the
 * query still works). Other formats are read through fetch, EventSource or WebSocket, which the
 * allowed-origins check guards.
 */
final class ScriptInclusion {
    private ScriptInclusion() {}

    /** Whether the answer of {@code format} can be read by a page that includes it. */
    static boolean includable(Format format) {
        String type = format.contentType().toLowerCase(Locale.ROOT);
        int semi = type.indexOf(';');
        type = (semi < 0 ? type : type.substring(0, semi)).trim();
        return type.equals("text/html")
                || type.equals("application/xhtml+xml")
                || type.endsWith("/javascript")
                || type.endsWith("/x-javascript")
                || type.endsWith("/ecmascript");
    }

    /** Whether cookies of this request may authenticate it. */
    static boolean cookiesAllowed(Format format, HttpHeaders headers) {
        if (!includable(format)) {
            return true;
        }
        String site = headers.get("Sec-Fetch-Site");
        return site != null && (site.equalsIgnoreCase("same-origin") || site.equalsIgnoreCase("same-site"));
    }
}
