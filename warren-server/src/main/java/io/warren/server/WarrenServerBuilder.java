package io.warren.server;

import io.warren.api.NodeListener;
import io.warren.server.config.HookOptions;
import io.warren.server.config.OperationsOptions;
import io.warren.server.config.ServerOptions;
import io.warren.spi.Authenticator;
import io.warren.spi.Authorizer;
import io.warren.spi.Broker;
import io.warren.spi.TunnelRegistry;
import java.util.Objects;

/**
 * Builds a {@link WarrenServer}: the options, and what an embedding may replace (authenticator, authorizer,
 * broker, registry, listener, hooks, operations). {@link WarrenServer#builder(ServerOptions)} makes one.
 * Not thread-safe; use once.
 */
public final class WarrenServerBuilder {
    final ServerOptions options;
    Authenticator authenticator;
    Authorizer authorizer;
    Broker broker;
    TunnelRegistry registry;
    NodeListener listener = NodeListener.NONE;
    OperationsOptions operations = OperationsOptions.defaults();
    HookOptions hooks = HookOptions.OFF;
    boolean listen = true;

    WarrenServerBuilder(ServerOptions options) {
        this.options = options;
    }

    /** Metrics, status page, access log and shutdown bounds; {@link OperationsOptions#defaults()} otherwise. */
    public WarrenServerBuilder operations(OperationsOptions v) {
        this.operations = Objects.requireNonNull(v);
        return this;
    }

    /** Where tunnel events are POSTed (docs/backend-api.md); {@link HookOptions#OFF} otherwise. */
    public WarrenServerBuilder hooks(HookOptions v) {
        this.hooks = Objects.requireNonNull(v);
        return this;
    }

    /** false: {@link WarrenServer#start()} binds no port; the application hands connections to {@link WarrenServer#mount}. */
    public WarrenServerBuilder listen(boolean v) {
        this.listen = v;
        return this;
    }

    /** Replaces the authenticator the security options would configure (JWT, callback, none). */
    public WarrenServerBuilder authenticator(Authenticator v) {
        this.authenticator = v;
        return this;
    }
    /** Replaces the authorizer the security options would configure (permissions, or allow all). */
    public WarrenServerBuilder authorizer(Authorizer v) {
        this.authorizer = v;
        return this;
    }

    public WarrenServerBuilder broker(Broker v) {
        this.broker = v;
        return this;
    }
    /** The cluster-wide tunnel register; by default from {@link ServerOptions#cluster()}, else none. */
    public WarrenServerBuilder registry(TunnelRegistry v) {
        this.registry = v;
        return this;
    }

    public WarrenServerBuilder listener(NodeListener v) {
        this.listener = v;
        return this;
    }

    public WarrenServer build() {
        return new WarrenServer(this);
    }
}
