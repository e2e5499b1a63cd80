package io.warren.spi;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An {@link OpenRequest} made of maps, for tests that authenticate or admit without a server. Header
 * names match case-insensitively, as HTTP's do.
 */
public record MapOpenRequest(
        String remoteAddress, Map<String, String> headers, Map<String, String> query, Map<String, String> cookies)
        implements OpenRequest {

    /** A request from {@code address} with no headers, query or cookies. */
    public static MapOpenRequest from(String address) {
        return new MapOpenRequest(address, Map.of(), Map.of(), Map.of());
    }

    @Override
    public @Nullable String header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    @Override
    public @Nullable String query(String name) {
        return query.get(name);
    }

    @Override
    public @Nullable String cookie(String name) {
        return cookies.get(name);
    }
}
