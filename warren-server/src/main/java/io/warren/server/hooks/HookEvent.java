package io.warren.server.hooks;

import io.warren.api.TunnelEvent;
import io.warren.datagram.Datagram;
import io.warren.path.PathPattern;
import java.util.List;
import java.util.Locale;

/**
 * One event as the application receives it: {@code {"id", "type", "client", "user", "time"}} and, by type,
 * {@code path} (with {@code subpaths} for a subtree) or {@code reason}. Built on the shard thread from a
 * {@link TunnelEvent}: a few references and no JSON; the sender renders it.
 *
 * @param id     unique: the sender's prefix and a sequence number; the same on every retry
 * @param time   epoch milliseconds when it happened
 */
record HookEvent(String id, TunnelEvent event, long time) {

    /** {@code {"node":NODE,"events":[...]}}, UTF-8. */
    static byte[] json(String node, List<HookEvent> batch) {
        StringBuilder sb = new StringBuilder(64 + 160 * batch.size());
        Datagram.quote(sb.append("{\"node\":"), node).append(",\"events\":[");
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            batch.get(i).appendTo(sb);
        }
        return sb.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    void appendTo(StringBuilder sb) {
        Datagram.quote(sb.append("{\"id\":"), id);
        Datagram.quote(sb.append(",\"type\":"), event.kind().name().toLowerCase(Locale.ROOT));
        Datagram.quote(sb.append(",\"client\":"), event.tunnel().clientId());
        String user = event.tunnel().identity().user();
        sb.append(",\"user\":");
        if (user == null) {
            sb.append("null");
        } else {
            Datagram.quote(sb, user);
        }
        PathPattern p = event.pattern();
        if (p != null) {
            Datagram.quote(sb.append(",\"path\":"), p.wirePath());
            if (p.kind() == PathPattern.Kind.SUBTREE) {
                sb.append(",\"subpaths\":true");
            }
        }
        if (event.reason() != null) {
            Datagram.quote(sb.append(",\"reason\":"), event.reason());
        }
        sb.append(",\"time\":").append(time).append('}');
    }
}
