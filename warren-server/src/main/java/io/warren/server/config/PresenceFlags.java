package io.warren.server.config;

import static io.warren.server.config.Values.list;
import static io.warren.server.config.Values.positive;

import io.warren.PresenceOptions;
import io.warren.path.PathPattern;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which paths announce their members, and the bounds: {@code --presence} to {@code --presence-max-paths}. */
final class PresenceFlags {

    @Option(
            names = "--presence",
            defaultValue = "",
            description = "Paths whose members are announced (comma-separated: /a/b, /a/*, /a/**); empty: none.")
    String presence;

    @Option(names = "--presence-max-members", defaultValue = "100", description = "Members recorded per presence path.")
    int maxMembers;

    @Option(
            names = "--presence-max-paths",
            defaultValue = "10000",
            description = "Presence paths with members at once.")
    int maxPaths;

    PresenceOptions read() {
        List<String> patterns = new ArrayList<>();
        for (String p : list(presence)) {
            try {
                PathPattern.parse(p).requireNotMeta();
                patterns.add(p);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("presence: '" + p + "' " + e.getMessage());
            }
        }
        return new PresenceOptions(
                patterns, positive("presence-max-members", maxMembers), positive("presence-max-paths", maxPaths));
    }
}
