package io.warren.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding 12 (issue 10), configuration side: custom format content types and default callbacks are checked. */
class FormatValidationTest {

    private static Object load(Path dir, String format) throws Exception {
        Path yml = dir.resolve("w.yml");
        Files.writeString(yml, "formats:\n  custom:\n" + format);
        return WarrenConfig.parse(new String[] {"--config=" + yml}, Map.of());
    }

    @Test
    void finding12_contentTypeWithALineBreakIsRefused(@TempDir Path dir) throws Exception {
        for (String bad :
                new String[] {"\"text/plain\\r\\nX-Evil: 1\"", "\"text/plain\\n\"", "plain", "\"text/plain; charset\""
                }) {
            assertThatThrownBy(() -> load(dir, "    content-type: " + bad + "\n    envelope: \"{datagram}\\n\"\n"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("formats.custom.content-type");
        }
        assertThat(load(dir, "    content-type: \"text/plain; charset=utf-8\"\n    envelope: \"{datagram}\\n\"\n"))
                .isNotNull();
        assertThat(
                        load(
                                dir,
                                "    content-type: 'application/x.vnd+json; profile=\"a b\"'\n    envelope: \"{datagram}\\n\"\n"))
                .isNotNull();
    }

    @Test
    void finding12_defaultCallbackFollowsTheCallbackRule(@TempDir Path dir) throws Exception {
        for (String bad : new String[] {"\"alert(1)//\"", "\"a;b\"", "\"1x\"", "\"\""}) {
            assertThatThrownBy(() -> load(
                            dir,
                            "    content-type: application/javascript\n    header: \"{callback}([\"\n    envelope: \"{datagram}\"\n    footer: \"]);\"\n"
                                    + "    default-callback: " + bad + "\n"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("formats.custom.default-callback");
        }
        assertThat(load(
                        dir,
                        "    content-type: application/javascript\n    header: \"{callback}([\"\n    envelope: \"{datagram}\"\n    footer: \"]);\"\n"
                                + "    default-callback: app.on_datagram\n"))
                .isNotNull();
    }
}
