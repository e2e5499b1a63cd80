package io.warren.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.engine.Node;
import io.warren.engine.Shard;
import io.warren.engine.Tunnel;
import io.warren.server.ops.Operations;
import java.io.IOException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests to the endpoints and maps refusals to JSON errors. One instance per channel: it
 * remembers the tunnel connection the channel currently carries, so that a socket closed by the client
 * detaches its tunnel.
 */
public final class WarrenHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(WarrenHttpHandler.class);

    private final Endpoints endpoints;
    private HttpTunnelConnection current;

    public WarrenHttpHandler(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** The endpoints, shared by every channel of a server. */
    public static final class Endpoints {
        final Node node;
        final TunnelEndpoint tunnel;
        final EventsEndpoint events;
        final PublishEndpoint publish;
        final CommandsEndpoint commands;
        private final PublishGuard guard; // one key check for /publish and /api/
        final QueryEndpoint queries;
        final StaticEndpoint statics;
        final OpsEndpoint ops;

        public Endpoints(Node node, Function<Channel, Shard> shards, String publishKey) {
            this(node, shards, publishKey, null);
        }

        /** With operator endpoints (/metrics, /healthz, /readyz, /admin) when {@code ops} is not null. */
        public Endpoints(Node node, Function<Channel, Shard> shards, String publishKey, Operations ops) {
            this(node, shards, publishKey, ops, OriginPolicy.of(java.util.List.of()));
        }

        /** As above, with the allowed origins that the WebSocket upgrade and {@code /publish} check too. */
        public Endpoints(
                Node node, Function<Channel, Shard> shards, String publishKey, Operations ops, OriginPolicy origins) {
            this.node = node;
            this.tunnel = new TunnelEndpoint(node, shards, origins);
            this.events = new EventsEndpoint(node);
            this.guard = new PublishGuard(publishKey, origins);
            this.publish = new PublishEndpoint(node, guard);
            this.commands = new CommandsEndpoint(node.backend(), guard);
            this.queries = new QueryEndpoint(node, guard);
            this.statics = new StaticEndpoint();
            this.ops = ops == null ? null : new OpsEndpoint(ops, shards, commands);
        }

        /** Replaces the publish key (configuration reload); applies to the next request. */
        public void publishKey(String key) {
            guard.key(key);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof FullHttpRequest) && current != null && !current.isEnded()) {
            // A stream response is open and its connection no longer decodes requests (RequestHandlers):
            // whatever the client sends now (bytes, or parts of an HTTP/2 stream) cannot be answered.
            ReferenceCountUtil.release(msg);
            log.debug(
                    "closing {}: it sent more while its stream response is open",
                    ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            // The version of a request that failed to parse is a guess: answer as HTTP/1.1.
            if (req.decoderResult().cause() instanceof TooLongFrameException) {
                Responses.error(
                        ctx, HttpVersion.HTTP_1_1, false, ErrorCode.TOO_LARGE, "request line or headers too large");
            } else {
                Responses.error(ctx, HttpVersion.HTTP_1_1, false, ErrorCode.BAD_REQUEST, "malformed HTTP request");
            }
            return;
        }
        if (current != null && !current.isEnded()) {
            // A tunnel response is still open on this socket; HTTP/1.1 has no room for another answer.
            Responses.error(
                    ctx, req.protocolVersion(), false, ErrorCode.BAD_REQUEST, "a tunnel is open on this connection");
            return;
        }
        try {
            // ';' is an ordinary character: 'callback=x;alert(1)' must not pass as 'x'.
            // The path decision belongs to RequestPath (the origin check asked it too); q serves the parameters.
            String path = RequestPath.of(req.uri());
            QueryStringDecoder q =
                    QueryStringDecoder.builder().semicolonIsNormalChar(true).build(req.uri());
            Requests.checkLengths(q);
            switch (path) {
                case "/tunnel" -> endpoints.tunnel.handle(ctx, req, q, this);
                case "/events" -> endpoints.events.handle(ctx, req, q);
                case "/publish" -> endpoints.publish.handle(ctx, req);
                case "/api/subscribe", "/api/unsubscribe", "/api/disconnect" ->
                    endpoints.commands.handle(ctx, req, path);
                case "/metrics", "/healthz", "/readyz", "/admin", "/admin/", "/admin/events", "/admin/reload" -> {
                    if (endpoints.ops == null) {
                        throw ErrorCode.NOT_FOUND.exception("no such endpoint: " + path);
                    }
                    endpoints.ops.handle(ctx, req, q, this);
                }
                default -> {
                    if (path.startsWith(AdminApi.PREFIX)) {
                        if (endpoints.ops == null) {
                            throw ErrorCode.NOT_FOUND.exception("no such endpoint: " + path);
                        }
                        endpoints.ops.handle(ctx, req, q, this);
                    } else if (QueryEndpoint.serves(path)) {
                        endpoints.queries.handle(ctx, req, path, q);
                    } else {
                        // Anything else may be a bundled file (client library, demo page).
                        endpoints.statics.handle(ctx, req, path);
                    }
                }
            }
        } catch (WarrenException e) {
            Responses.error(ctx, req.protocolVersion(), keepAlive, e);
        } catch (IllegalArgumentException e) {
            // QueryStringDecoder rejects broken percent-encoding this way.
            Responses.error(
                    ctx,
                    req.protocolVersion(),
                    keepAlive,
                    ErrorCode.BAD_REQUEST,
                    "malformed request: " + e.getMessage());
        }
    }

    void connectionStarted(HttpTunnelConnection conn) {
        current = conn;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        HttpTunnelConnection c = current;
        if (c != null) {
            Tunnel t = c.tunnel();
            if (t != null && !c.isEnded()) {
                endpoints.node.detach(t, c);
            }
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        HttpTunnelConnection c = current;
        if (ctx.channel().isWritable() && c != null && c.tunnel() != null && !c.isEnded()) {
            endpoints.node.writable(c.tunnel());
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause instanceof io.netty.handler.codec.PrematureChannelClosureException) {
            log.debug("connection error: {}", cause.toString());
        } else {
            log.warn("unexpected error on {}", ctx.channel(), cause);
        }
        ctx.close();
    }
}
