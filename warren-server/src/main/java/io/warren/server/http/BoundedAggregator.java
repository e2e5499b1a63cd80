package io.warren.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.warren.ErrorCode;

/** Aggregates request bodies up to {@code max-body}; a larger body is answered 413 {@code too-large} and the socket closed. */
public final class BoundedAggregator extends HttpObjectAggregator {
    private final int maxBody;

    public BoundedAggregator(int maxBody) {
        super(maxBody);
        this.maxBody = maxBody;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        // The rest of the body is still on its way: answer and close rather than read it.
        Responses.error(
                ctx,
                HttpVersion.HTTP_1_1,
                false,
                ErrorCode.TOO_LARGE,
                "the request body exceeds max-body (" + maxBody + " bytes)");
    }
}
