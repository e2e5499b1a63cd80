package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.server.WarrenServer;
import io.warren.server.config.ServerOptions;
import io.warren.spi.BrokerProvider;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * warren-server compiles without warren-redis and Lettuce and finds its cluster backend at run time
 * through {@link BrokerProvider}. The compile class path is the one Maven wrote to
 * {@code target/compile-classpath.txt} (dependency:build-classpath, compile scope), loaded here in a
 * class loader of its own.
 */
class BrokerProviderTest {

    private static URLClassLoader compileClassPath() throws Exception {
        Path file = Path.of("target", "compile-classpath.txt");
        assertThat(file)
                .as("written by maven-dependency-plugin in generate-test-resources")
                .isRegularFile();
        List<URL> urls = new ArrayList<>();
        urls.add(Path.of("target", "classes").toUri().toURL());
        for (String entry : Files.readString(file).trim().split(File.pathSeparator)) {
            urls.add(url(entry));
        }
        return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }

    private static URL url(String entry) {
        try {
            return Path.of(entry).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void serverCompileClassPathHasNoLettuceNorWarrenRedis() throws Exception {
        try (URLClassLoader compile = compileClassPath()) {
            // The loader is real: what the server compiles against is there.
            assertThat(compile.loadClass("io.warren.server.WarrenServer")).isNotNull();
            assertThat(compile.loadClass("io.warren.spi.BrokerProvider")).isNotNull();
            assertThat(compile.loadClass("io.netty.channel.Channel")).isNotNull();
            // What clustering needs is not.
            assertThatThrownBy(() -> compile.loadClass("io.lettuce.core.RedisClient"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> compile.loadClass("io.warren.redis.RedisCluster"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThat(compile.getResource("META-INF/services/io.warren.spi.BrokerProvider"))
                    .isNull();
        }
    }

    @Test
    void theRedisProviderIsFoundAtRunTimeForEveryRedisScheme() {
        ClassLoader runtime = WarrenServer.class.getClassLoader();
        for (String uri : List.of(
                "redis://127.0.0.1:6379",
                "rediss://h:6380",
                "redis-sentinel://h:26379#m",
                "redis-socket:///tmp/redis.sock",
                "redis-cluster://h:7000,h:7001")) {
            assertThat(BrokerProvider.find(uri, runtime).getClass().getName())
                    .as(uri)
                    .isEqualTo("io.warren.redis.RedisBrokerProvider");
        }
    }

    @Test
    void anUnknownSchemeFailsAtStartNamingTheMissingModule() {
        assertThatThrownBy(
                        () -> BrokerProvider.find("memcached://127.0.0.1:11211", WarrenServer.class.getClassLoader()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memcached:");
        assertThatThrownBy(() -> WarrenServer.builder(ServerOptions.defaults()
                                .withPort(0)
                                .withHost("127.0.0.1")
                                .withCluster(new io.warren.server.config.ClusterOptions(
                                        "nats://127.0.0.1:4222", 10, java.time.Duration.ofMinutes(1))))
                        .build())
                .as("no provider: the server does not start as a lone node")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no cluster backend");
    }

    @Test
    void withoutWarrenRedisOnTheClassPathClusteringIsRefusedClearly() throws Exception {
        try (URLClassLoader compile = compileClassPath()) {
            Class<?> provider = compile.loadClass("io.warren.spi.BrokerProvider");
            var find = provider.getMethod("find", String.class, ClassLoader.class);
            assertThatThrownBy(() -> find.invoke(null, "redis://127.0.0.1:6379", compile))
                    .cause()
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("warren-redis");
        }
    }
}
