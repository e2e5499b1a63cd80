package io.warren.server.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.warren.spi.OpenRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * A tunnel-open request as authenticators see it. Holds the request's headers, not its body. When the
 * request's cookies may not authenticate it ({@link ScriptInclusion}), it shows neither cookies nor a
 * {@code Cookie} header.
 */
final class HttpOpenRequest implements OpenRequest {
    private final HttpHeaders headers;
    private final QueryStringDecoder query;
    private final SocketAddress remote;
    private final boolean cookies;

    HttpOpenRequest(HttpHeaders headers, QueryStringDecoder query, SocketAddress remote, boolean cookies) {
        this.headers = headers;
        this.query = query;
        this.remote = remote;
        this.cookies = cookies;
    }

    @Override
    public String remoteAddress() {
        return remote instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(remote);
    }

    @Override
    public String header(String name) {
        if (!cookies && name.equalsIgnoreCase("Cookie")) {
            return null;
        }
        return headers.get(name);
    }

    @Override
    public String query(String name) {
        List<String> v = query.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    @Override
    public String cookie(String name) {
        if (!cookies) {
            return null;
        }
        for (String h : headers.getAll("Cookie")) {
            for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(h)) {
                if (c.name().equals(name)) {
                    return c.value();
                }
            }
        }
        return null;
    }
}
