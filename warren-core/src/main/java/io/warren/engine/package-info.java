/**
 * The node: tunnels on shard threads, routing, the backend's commands and queries. References are non-null
 * unless marked {@code @Nullable}; NullAway checks it on every build.
 *
 * <h2>Who answers "where is client C, which clients has user U"</h2>
 * Three owners, one question each; none asks another for its answer:
 * <ul>
 *   <li><b>This node's tunnels</b>: {@code Directory} (in memory; by secret tunnel id, by client id, by
 *   user). Every request naming a tunnel, and the local half of the backend's commands.</li>
 *   <li><b>Routing in the cluster</b>: the {@link io.warren.spi.TunnelRegistry} (tunnel id to owning node;
 *   client and user to tunnel ids). {@code BackendCommands} asks it for the tunnels of a client or user
 *   that other nodes hold and forwards the command to their owners; forwarding needs the tunnel id, a
 *   secret no query may show.</li>
 *   <li><b>The public read model</b>: the {@link io.warren.spi.ClientDirectory} (client id to entry: user,
 *   profile, interests, attached, format, node; indexes by pattern and by user; presence members).
 *   {@code DirectoryQueries} answers {@link io.warren.api.Queries} ({@code /api/presence}, {@code paths},
 *   {@code clients/C}, {@code users}) from it, reading this node's own clients live through
 *   {@code Directory}; {@code Presence} writes it.</li>
 * </ul>
 * Registry and directory are written from the same events (open, interest change, refresh, close), so they
 * may disagree for a moment (a query may still show a client a command no longer finds, or the reverse);
 * each is right for its own question.
 */
@NullMarked
package io.warren.engine;

import org.jspecify.annotations.NullMarked;
