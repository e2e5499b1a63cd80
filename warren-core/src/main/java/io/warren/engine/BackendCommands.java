package io.warren.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.api.Backend;
import io.warren.datagram.ControlDatagrams;
import io.warren.path.PathPattern;
import io.warren.spi.TunnelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the backend's commands ({@link Backend}): finds the tunnels a {@link Backend.Target}
 * names, here ({@link Directory}) and, in a cluster, on other nodes (the {@link TunnelRegistry}'s client and
 * user lookups, then {@link TunnelRegistry#forward} to each owner, which applies the command as its own),
 * and applies it on each tunnel's shard thread. Interests go through {@link Interests} with the
 * {@link AccessGate}'s backend grant, records through {@link Records}, the client is told with a datagram
 * from {@link ControlDatagrams}. Any thread. Routes by the registry only, never by the
 * {@link io.warren.spi.ClientDirectory} (the read model queries use): see the package's Javadoc.
 */
final class BackendCommands implements Backend {
    private static final Logger log = LoggerFactory.getLogger(BackendCommands.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REASON = 128;

    private final Node node;
    private final AccessGate gate;
    private final Interests interests;
    private final Records records;
    private final TunnelRegistry registry;
    private final Directory directory;

    BackendCommands(
            Node node,
            AccessGate gate,
            Interests interests,
            Records records,
            TunnelRegistry registry,
            Directory directory) {
        this.node = node;
        this.gate = gate;
        this.interests = interests;
        this.records = records;
        this.registry = registry;
        this.directory = directory;
    }

    /** One command, as applied to one tunnel and as forwarded to another node. */
    private record Command(String kind, @Nullable PathPattern pattern, String reason, boolean reconnect) {}

    @Override
    public CompletionStage<Integer> subscribe(Target target, String path, boolean subpaths) {
        return run(target, () -> new Command("subscribe", pattern(path, subpaths), "", false));
    }

    @Override
    public CompletionStage<Integer> unsubscribe(Target target, String path, boolean subpaths) {
        return run(target, () -> new Command("unsubscribe", pattern(path, subpaths), "", false));
    }

    @Override
    public CompletionStage<Integer> disconnect(Target target, String reason, boolean reconnect) {
        return run(target, () -> {
            if (reason.isEmpty() || reason.length() > MAX_REASON) {
                throw ErrorCode.BAD_REQUEST.exception("reason is 1 to " + MAX_REASON + " characters");
            }
            return new Command("disconnect", null, reason, reconnect);
        });
    }

    /** A pattern a client could hold: {@code bad-path}, {@code forbidden} ({@code /meta/}, {@code /client/}). */
    private PathPattern pattern(String path, boolean subpaths) {
        PathPattern p = ClientDatagrams.clientPattern(path, subpaths);
        node.limits().checkPath(p.key(), ClientDatagrams.depth(p));
        return p;
    }

    private CompletionStage<Integer> run(Target target, java.util.function.Supplier<Command> parse) {
        Command c;
        try {
            c = parse.get();
        } catch (WarrenException e) {
            return CompletableFuture.failedFuture(e);
        }
        String client = target.client();
        if (client != null) {
            Tunnel t = directory.client(client);
            CompletionStage<Boolean> done = t != null ? apply(t, c) : remoteClient(client, c);
            return done.thenApply(ok -> {
                if (!ok) {
                    throw ErrorCode.NOT_FOUND.exception("no tunnel for /client/" + client + " (it may have ended)");
                }
                return 1;
            });
        }
        String user = java.util.Objects.requireNonNull(target.user());
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (Tunnel t : directory.user(user)) {
            all.add(apply(t, c).toCompletableFuture());
        }
        CompletionStage<Set<String>> remote =
                registry.shared() ? registry.tunnelsOfUser(user) : CompletableFuture.completedFuture(Set.of());
        return remote.handle((ids, e) -> {
                    if (e != null) {
                        throw unreachable(e);
                    }
                    for (String id : ids) {
                        if (node.local(id) == null) {
                            all.add(forward(id, c).toCompletableFuture());
                        }
                    }
                    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
                })
                .thenCompose(f -> f)
                .handle((v, e) -> {
                    if (e != null) {
                        throw e instanceof CompletionException ce && ce.getCause() instanceof WarrenException w
                                ? w
                                : e instanceof WarrenException w ? w : unreachable(e);
                    }
                    int n = 0;
                    for (CompletableFuture<Boolean> f : all) {
                        n += f.join() ? 1 : 0;
                    }
                    return n;
                });
    }

    /** A client this node does not hold: asks the registry who does, and forwards. False when nobody does. */
    private CompletionStage<Boolean> remoteClient(String clientId, Command c) {
        if (!registry.shared()) {
            return CompletableFuture.completedFuture(false);
        }
        return registry.tunnelOfClient(clientId)
                .handle((id, e) -> {
                    if (e != null) {
                        throw unreachable(e);
                    }
                    return id == null || node.local(id) != null
                            ? CompletableFuture.completedFuture(false)
                            : forward(id, c);
                })
                .thenCompose(f -> f);
    }

    private CompletionStage<Boolean> forward(String tunnelId, Command c) {
        CompletionStage<String> answer;
        try {
            answer = registry.forward(tunnelId, encode(c));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((a, e) -> {
            if (e != null) {
                throw unreachable(e);
            }
            if (a == null || a.equals("0")) {
                return false;
            }
            if (a.equals("1")) {
                return true;
            }
            JsonNode n = read(a);
            throw ErrorCode.valueOf(n.path("e").asText("OVERLOADED"))
                    .exception(n.path("m").asText(""));
        });
    }

    private static WarrenException unreachable(Throwable e) {
        log.debug("a backend command did not reach a node: {}", e.toString());
        return ErrorCode.OVERLOADED.exception("a node holding a tunnel did not answer in time: retry");
    }

    /** Whether a request forwarded to this node is a command (client datagrams are a JSON array). */
    static boolean isCommand(String request) {
        return request.startsWith("{");
    }

    /** Serves a command another node forwarded for {@code tunnelId}: null when not held here. */
    CompletionStage<@Nullable String> serve(String tunnelId, String request) {
        Tunnel t = node.tunnel(tunnelId);
        if (t == null) {
            return CompletableFuture.completedFuture(null);
        }
        Command c;
        try {
            JsonNode n = read(request);
            String kind = n.path("k").asText();
            c = new Command(
                    kind,
                    kind.equals("disconnect")
                            ? null
                            : pattern(n.path("p").asText(), n.path("s").asBoolean()),
                    n.path("r").asText(""),
                    n.path("c").asBoolean());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return apply(t, c).handle((ok, e) -> {
            if (e == null) {
                return ok ? "1" : "0";
            }
            WarrenException w = AccessGate.refusal(e);
            return JSON.createObjectNode()
                    .put("e", w.code().name())
                    .put("m", w.getMessage())
                    .toString();
        });
    }

    private static String encode(Command c) {
        ObjectNode o = JSON.createObjectNode().put("k", c.kind());
        PathPattern p = c.pattern();
        if (p != null) {
            o.put("p", p.wirePath()).put("s", p.kind() == PathPattern.Kind.SUBTREE);
        }
        return o.put("r", c.reason()).put("c", c.reconnect()).toString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ErrorCode.OVERLOADED.exception("a node answered nonsense: retry");
        }
    }

    /** Applies {@code c} to {@code t} on its shard thread: true when applied, false when it had ended. */
    private CompletionStage<Boolean> apply(Tunnel t, Command c) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        try {
            t.shard().executor().execute(() -> {
                try {
                    applyHere(t, c).whenComplete((ok, e) -> {
                        if (e != null) {
                            done.completeExceptionally(AccessGate.refusal(e));
                        } else {
                            done.complete(ok);
                        }
                    });
                } catch (WarrenException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(ErrorCode.OVERLOADED.exception("the node is shutting down"));
        }
        return done;
    }

    /** Shard thread of {@code t}. */
    private CompletionStage<Boolean> applyHere(Tunnel t, Command c) {
        // A tunnel the server opened for itself (the status feed) is no client of the application's.
        if (t.isClosed() || t.identity().isInternal()) {
            return CompletableFuture.completedFuture(false);
        }
        PathPattern p = c.pattern();
        switch (c.kind()) {
            case "subscribe" -> {
                boolean had = t.hasInterest(java.util.Objects.requireNonNull(p));
                CompletionStage<Void> ready = interests.subscribe(t, gate.backend(t, p));
                if (!had) {
                    tell(t, ControlDatagrams.interest(node.ids().next(), true, p));
                    if (records.shared()) {
                        ready = ready.thenCombine(records.save(t), (a, b) -> null);
                    }
                }
                return ready.handle((v, e) -> {
                    if (e != null) {
                        throw ErrorCode.OVERLOADED.exception("the interest could not be registered: retry");
                    }
                    return true;
                });
            }
            case "unsubscribe" -> {
                if (t.hasInterest(java.util.Objects.requireNonNull(p))) {
                    interests.unsubscribe(t, p);
                    records.save(t);
                    tell(t, ControlDatagrams.interest(node.ids().next(), false, p));
                }
                return CompletableFuture.completedFuture(true);
            }
            default -> {
                t.endConnection(c.reason(), c.reconnect(), true);
                node.drop(t, c.reason());
                if (records.shared()) {
                    records.remove(t.id());
                }
                return CompletableFuture.completedFuture(true);
            }
        }
    }

    /** Hands the client a datagram meant for it alone, in order with what is routed to it. Shard thread. */
    private static void tell(Tunnel t, io.warren.datagram.Datagram d) {
        if (t.deliver(d)) {
            t.flush();
        }
    }
}
