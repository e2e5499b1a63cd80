package io.warren.server.h2;

import io.netty.channel.ChannelPipeline;

/** What a connection speaks once it is known: each installs its handlers at the end of the pipeline. */
public record ProtocolChoice(Installer http1, Installer http2) {

    /** Adds the handlers of one protocol after those already in the pipeline. */
    @FunctionalInterface
    public interface Installer {
        void install(ChannelPipeline p);
    }
}
