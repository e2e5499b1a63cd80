package io.warren.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** warren.jar runs on epoll on both Linux server architectures, not only the one it was built on. */
class NativeTransportIT {

    @Test
    void warrenJarCarriesTheEpollLibraryForX8664AndArm64() throws Exception {
        try (JarFile jar = new JarFile(WarrenProcess.jar().toFile())) {
            assertThat(jar.getEntry("META-INF/native/libnetty_transport_native_epoll_x86_64.so"))
                    .isNotNull();
            assertThat(jar.getEntry("META-INF/native/libnetty_transport_native_epoll_aarch_64.so"))
                    .isNotNull();
        }
    }
}
