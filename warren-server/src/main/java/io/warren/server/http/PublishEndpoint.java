package io.warren.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.warren.ErrorCode;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.ClientDatagramParser;
import io.warren.engine.Node;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /publish}: datagrams from the application's backend. With a {@code publish-key} it takes
 * {@code Authorization: Bearer KEY} (compared in constant time); without one, only loopback clients.
 */
final class PublishEndpoint {
    private final Node node;
    private volatile byte[] key;

    PublishEndpoint(Node node, String publishKey) {
        this.node = node;
        key(publishKey);
    }

    /** Sets the key (null: loopback only); a reload calls this while requests run. */
    void key(String publishKey) {
        this.key = publishKey == null ? null : ("Bearer " + publishKey).getBytes(StandardCharsets.UTF_8);
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.POST)) {
            throw ErrorCode.METHOD_NOT_ALLOWED.exception("use POST for /publish");
        }
        authorize(ctx, req);
        byte[] body = new byte[req.content().readableBytes()];
        req.content().getBytes(req.content().readerIndex(), body);
        List<ClientDatagram> checked = new ArrayList<>();
        for (ClientDatagram cd : ClientDatagramParser.parse(body)) {
            if (cd.error() == null && cd.tunnel() != null) {
                cd = ClientDatagram.invalid(ErrorCode.BAD_REQUEST.exception("backend datagrams carry no tunnel"), cd.ref());
            }
            checked.add(cd);
        }
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        node.publish(checked).thenAccept(acks -> Responses.acks(ctx, version, keepAlive, acks));
    }

    private void authorize(ChannelHandlerContext ctx, FullHttpRequest req) {
        byte[] key = this.key;
        if (key == null) {
            if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress a) || !a.getAddress().isLoopbackAddress()) {
                throw ErrorCode.UNAUTHORIZED.exception("publishing from other hosts needs a publish-key");
            }
            return;
        }
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        byte[] given = auth == null ? new byte[0] : auth.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(key, given)) {
            throw ErrorCode.UNAUTHORIZED.exception("missing or wrong publish key");
        }
    }
}
