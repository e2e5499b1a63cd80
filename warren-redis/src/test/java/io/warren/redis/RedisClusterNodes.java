package io.warren.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of {@code masters} redis-server processes on free loopback ports, slots split by
 * {@code redis-cli --cluster create} (no replicas), for {@code redis-cluster://} URIs. Closing kills
 * every process. Like {@link RedisProcess}, a missing redis-server aborts the test (fails under CI).
 */
public final class RedisClusterNodes implements RedisUnderTest {
    private final List<RedisProcess> nodes = new ArrayList<>();

    private RedisClusterNodes() {}

    /** Starts {@code masters} nodes, creates the cluster and waits until every node reports it ok. */
    public static RedisClusterNodes start(int masters) {
        RedisClusterNodes c = new RedisClusterNodes();
        try {
            for (int i = 0; i < masters; i++) {
                c.nodes.add(RedisProcess.clusterNode());
            }
            c.create();
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private void create() {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(n -> cmd.add("127.0.0.1:" + n.port()));
        cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("redis-cli --cluster create did not finish: " + out);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("redis-cli --cluster create failed: " + out);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!nodes.stream().allMatch(this::ready)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the Redis Cluster did not reach cluster_state:ok: "
                            + nodes.get(0).text("CLUSTER", "INFO"));
                }
                Thread.sleep(50); // polling Redis' own state; there is nothing to await on
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run redis-cli: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Every node agrees: state ok, all slots served, every node known. */
    private boolean ready(RedisProcess n) {
        String info = n.text("CLUSTER", "INFO");
        return info.contains("cluster_state:ok")
                && info.contains("cluster_slots_ok:16384")
                && info.contains("cluster_known_nodes:" + nodes.size());
    }

    /** {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2,...}: every node is a seed. */
    @Override
    public String uri() {
        return RedisCluster.CLUSTER_SCHEME
                + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    public List<RedisProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** The slot Redis computes for {@code key} ({@code CLUSTER KEYSLOT}). */
    public int slot(String key) {
        return Integer.parseInt(nodes.get(0).command("CLUSTER", "KEYSLOT", key).substring(1));
    }

    /** The node serving {@code key}'s slot: it answers EXISTS, the others answer {@code -MOVED}. */
    public RedisProcess owner(String key) {
        for (RedisProcess n : nodes) {
            if (n.command("EXISTS", key).startsWith(":")) {
                return n;
            }
        }
        throw new AssertionError("no node serves the slot of " + key);
    }

    @Override
    public void close() {
        nodes.forEach(RedisProcess::close);
    }
}
