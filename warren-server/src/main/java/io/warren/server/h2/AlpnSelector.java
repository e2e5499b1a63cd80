package io.warren.server.h2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** After the TLS handshake: {@code h2} as ALPN chose, else HTTP/1.1 (also for clients that send no ALPN). */
final class AlpnSelector extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(AlpnSelector.class);
    private final ProtocolChoice choice;

    AlpnSelector(ProtocolChoice choice) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.choice = choice;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            choice.http2().install(ctx.pipeline());
        } else {
            choice.http1().install(ctx.pipeline());
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        // Scanners and clients that distrust the certificate end here: not the server's problem.
        log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            log.debug("TLS error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            return;
        }
        super.exceptionCaught(ctx, cause);
    }
}
