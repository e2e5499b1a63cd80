package io.warren.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Connects a node to a cluster backend named by a URI, giving it a {@link Broker} and a
 * {@link TunnelRegistry} (and, when it has one, a {@link ClientDirectory}) on that backend. Found through {@link ServiceLoader}: a module that implements
 * one (warren-redis does, for {@code redis://} and its relatives) lists it in
 * {@code META-INF/services/io.warren.spi.BrokerProvider}, so the server needs that module only at run
 * time, and an embedding that does not cluster ships neither it nor its client library.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Choice.</b> {@link #accepts} looks at the URI only (its scheme), never connects, never throws.
 *   {@link #find} takes the first provider, in class-path order, that accepts the URI.</li>
 *   <li><b>Connecting.</b> {@link #connect} blocks until the backend answers or fails, and throws when it
 *   cannot be reached, so that a misconfigured node fails at start instead of serving without its
 *   cluster. It is called once, at start, never on an event loop.</li>
 *   <li><b>Ownership.</b> The {@link Backend}'s broker, registry and directory share its connections; each part
 *   taken is closed by the node, and the connections close with the last of them. A part never taken
 *   keeps nothing open.</li>
 *   <li><b>Growth.</b> New settings arrive as new components of {@link Options}, never as overloads.</li>
 * </ul>
 */
public interface BrokerProvider {

    /** Whether this provider serves {@code uri} (by its scheme). */
    boolean accepts(String uri);

    /** Connects to the backend named by {@code options.uri()}; throws when it cannot be reached. */
    Backend connect(Options options);

    /**
     * What a cluster member needs to know about its backend.
     *
     * @param uri     the backend, e.g. {@code redis://127.0.0.1:6379}
     * @param logSize datagrams kept in the shared log for resume on another node
     * @param logAge  how long datagrams stay in the shared log at most
     * @param history per-path history rules
     */
    record Options(String uri, int logSize, Duration logAge, List<HistoryRule> history) {
        public Options {
            Objects.requireNonNull(uri, "uri");
            history = List.copyOf(history);
        }
    }

    /** A connected backend. Each part may be taken once or not at all; see the ownership rule above. */
    interface Backend {
        Broker broker();

        TunnelRegistry registry();

        /**
         * Who holds what and presence, cluster-wide (on the same connections), or null when this backend
         * has none: the node then keeps a memory directory, which sees its own clients only.
         */
        default @Nullable ClientDirectory directory() {
            return null;
        }
    }

    /**
     * The provider for {@code uri} among those {@code loader} can see.
     *
     * @throws IllegalArgumentException when none accepts it (the module is missing from the class path)
     */
    static BrokerProvider find(String uri, ClassLoader loader) {
        for (BrokerProvider p : ServiceLoader.load(BrokerProvider.class, loader)) {
            if (p.accepts(uri)) {
                return p;
            }
        }
        String scheme = uri.contains(":") ? uri.substring(0, uri.indexOf(':')) : uri;
        throw new IllegalArgumentException("no cluster backend for '" + scheme + ":' URIs on the class path"
                + " (for Redis, add io.warren:warren-redis)");
    }
}
