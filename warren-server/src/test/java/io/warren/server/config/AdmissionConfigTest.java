package io.warren.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.Limits;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 10, findings 5 and 10: the new options, their safe defaults and their validation. */
class AdmissionConfigTest {

    @Test
    void finding5_theCommandLineShipsCaps() {
        Limits l = WarrenConfig.parse(new String[0], Map.of()).security().limits();
        assertThat(l.maxTunnelsPerAddress()).isEqualTo(100);
        assertThat(l.maxTunnels()).isEqualTo(Limits.defaultMaxTunnels()).isPositive();
        assertThat(l.firstAttachTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void finding5_capsAreSetAndValidated() {
        Limits l = WarrenConfig.parse(
                        new String[] {"--max-tunnels=5000", "--first-attach-timeout=3s"},
                        Map.of("WARREN_MAX_TUNNELS_PER_ADDRESS", "7"))
                .security()
                .limits();
        assertThat(l.maxTunnels()).isEqualTo(5000);
        assertThat(l.maxTunnelsPerAddress()).isEqualTo(7);
        assertThat(l.firstAttachTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(WarrenConfig.parse(new String[] {"--max-tunnels=0"}, Map.of())
                        .security()
                        .limits()
                        .maxTunnels())
                .isZero();
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--max-tunnels=lots"}, Map.of()))
                .hasMessageContaining("max-tunnels")
                .hasMessageContaining("auto");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--max-tunnels=-1"}, Map.of()))
                .hasMessageContaining("max-tunnels >= 0");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--first-attach-timeout=0s"}, Map.of()))
                .hasMessageContaining("first-attach-timeout");
    }

    @Test
    void finding10_jwtRequiresExpUnlessTurnedOff() {
        String secret = "--jwt-secret=0123456789abcdef0123456789abcdef";
        SecurityOptions.Jwt on =
                WarrenConfig.parse(new String[] {secret}, Map.of()).security().jwt();
        assertThat(on.requireExp()).isTrue();
        SecurityOptions.Jwt off = WarrenConfig.parse(new String[] {secret, "--jwt-require-exp=false"}, Map.of())
                .security()
                .jwt();
        assertThat(off.requireExp()).isFalse();
    }
}
