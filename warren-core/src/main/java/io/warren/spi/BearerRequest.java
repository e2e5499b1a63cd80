package io.warren.spi;

import org.jspecify.annotations.Nullable;

/** {@link OpenRequest#bearer}: a token and an address, nothing else. Immutable. */
record BearerRequest(String token, String remoteAddress) implements OpenRequest {
    @Override
    public @Nullable String header(String name) {
        return name.equalsIgnoreCase("Authorization") ? "Bearer " + token : null;
    }

    @Override
    public @Nullable String query(String name) {
        return name.equals("token") ? token : null;
    }

    @Override
    public @Nullable String cookie(String name) {
        return null;
    }

    @Override
    public String toString() {
        return "BearerRequest[" + remoteAddress + "]"; // never the token
    }
}
