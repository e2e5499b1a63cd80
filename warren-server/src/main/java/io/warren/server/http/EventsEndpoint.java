package io.warren.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.ClientDatagramParser;
import io.warren.engine.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /events} (a datagram or an array) and {@code GET /events?tunnel=T&path=P&data=JSON[&id=X]}:
 * client datagrams sent through a tunnel. One request speaks for one tunnel, named by each datagram's
 * {@code tunnel} or by the {@code tunnel} query parameter; an unknown tunnel is a 404
 * {@code unknown-tunnel} and changes nothing. A tunnel another node of the cluster holds is served by
 * that node ({@link Node#clientDatagrams(String, List)}).
 */
final class EventsEndpoint {
    private final Node node;

    EventsEndpoint(Node node) {
        this.node = node;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
        List<ClientDatagram> entries;
        String tunnelId = Requests.tunnelId(Requests.param(q, "tunnel"));
        if (req.method().equals(HttpMethod.POST)) {
            byte[] body = new byte[req.content().readableBytes()];
            req.content().getBytes(req.content().readerIndex(), body);
            entries = ClientDatagramParser.parse(body);
        } else if (req.method().equals(HttpMethod.GET)) {
            entries = List.of(ClientDatagramParser.fromParameters(
                    tunnelId, Requests.param(q, "path"), Requests.param(q, "data"), Requests.param(q, "id")));
        } else {
            throw ErrorCode.METHOD_NOT_ALLOWED.exception("use POST (or GET) for /events");
        }
        if (tunnelId == null) {
            for (ClientDatagram cd : entries) {
                if (cd.tunnel() != null) {
                    tunnelId = Requests.tunnelId(cd.tunnel());
                    break;
                }
            }
        }
        if (tunnelId == null) {
            throw ErrorCode.BAD_REQUEST.exception("tunnel is required");
        }
        List<ClientDatagram> checked = new ArrayList<>(entries.size());
        for (ClientDatagram cd : entries) {
            if (cd.tunnel() != null && !cd.tunnel().equals(tunnelId)) {
                cd = ClientDatagram.invalid(
                        ErrorCode.BAD_REQUEST.exception("one request speaks for one tunnel"), cd.ref());
            }
            checked.add(cd);
        }
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        // A tunnel held by another node of a cluster is served there (the node forwards), so a client may
        // send through any node.
        node.clientDatagrams(tunnelId, checked).whenComplete((acks, e) -> {
            if (e == null) {
                Responses.acks(ctx, version, keepAlive, acks);
            } else if (unwrap(e) instanceof WarrenException w) {
                Responses.error(ctx, version, keepAlive, w);
            } else {
                Responses.error(ctx, version, keepAlive, ErrorCode.OVERLOADED, "the datagrams could not be handled");
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
