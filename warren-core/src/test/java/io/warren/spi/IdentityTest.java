package io.warren.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only the server marks its own tunnels internal: no authenticator's attributes can. */
class IdentityTest {
    @Test
    void internalOnlyThroughTheFactory() {
        Identity feed = Identity.internal("admin");
        assertThat(feed.isInternal()).isTrue();
        assertThat(feed.user()).isEqualTo("admin");
        assertThat(new Identity("admin", feed.attributes()).isInternal())
                .as("the same marker object, carried over by code in this process")
                .isTrue();

        // What a token's claims or a callback's answer could carry: never the marker object.
        for (Object forged : new Object[] {true, "true", "internal", Map.of()}) {
            assertThat(new Identity("admin", Map.of("warren.internal", forged)).isInternal())
                    .as("%s", forged)
                    .isFalse();
        }
        assertThat(Identity.ANONYMOUS.isInternal()).isFalse();
        assertThat(new Identity("alice", Map.of()).isInternal()).isFalse();
    }
}
