package io.warren.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.warren.ErrorCode;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.ClientDatagramParser;
import io.warren.engine.Node;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /publish}: datagrams from the application's backend, once {@link PublishGuard} lets them in. */
final class PublishEndpoint {
    private final Node node;
    private final PublishGuard guard;

    PublishEndpoint(Node node, String publishKey, OriginPolicy origins) {
        this.node = node;
        this.guard = new PublishGuard(publishKey, origins);
    }

    /** The key check, shared with the backend's queries. */
    PublishGuard guard() {
        return guard;
    }

    /** Sets the key (null: direct loopback clients only); a reload calls this while requests run. */
    void key(String publishKey) {
        guard.key(publishKey);
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.POST)) {
            throw ErrorCode.METHOD_NOT_ALLOWED.exception("use POST for /publish");
        }
        guard.check(ctx.channel(), req);
        byte[] body = new byte[req.content().readableBytes()];
        req.content().getBytes(req.content().readerIndex(), body);
        List<ClientDatagram> checked = new ArrayList<>();
        for (ClientDatagram cd : ClientDatagramParser.parse(body)) {
            if (cd.error() == null && cd.tunnel() != null) {
                cd = ClientDatagram.invalid(
                        ErrorCode.BAD_REQUEST.exception("backend datagrams carry no tunnel"), cd.ref());
            }
            checked.add(cd);
        }
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        node.publish(checked).thenAccept(acks -> Responses.acks(ctx, version, keepAlive, acks));
    }
}
