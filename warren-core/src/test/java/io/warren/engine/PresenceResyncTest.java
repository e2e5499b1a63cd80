package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.NodeOptions;
import io.warren.PresenceOptions;
import io.warren.api.NodeListener;
import io.warren.broker.MemoryDirectory;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.format.Formats;
import io.warren.spi.Authorizer;
import io.warren.spi.ClientDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence without silent loss, on a real node with the memory directory and a shard the test drives: a
 * watcher that missed changes (dropped by a full presence queue, a version that skips, a directory that may
 * have lost announcements) gets the members again as a snapshot, and then the changes that follow; one
 * that missed nothing gets joins, never a snapshot.
 */
class PresenceResyncTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/chat/room";
    private static final Duration TTL = Duration.ofMinutes(1);

    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final MemoryDirectory directory = new MemoryDirectory();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger swallow = new AtomicInteger();
    private final List<Runnable> heldReads = new ArrayList<>();
    private boolean holdReads;
    private Node node;
    private Tunnel watcher;
    private RecordingConnection seen;

    @BeforeEach
    void watch() {
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .directory(new Observed())
                .options(NodeOptions.defaults()
                        .withPresence(PresenceOptions.of(List.of("/chat/*")).withMaxMembers(1000)))
                .listener(new NodeListener() {
                    @Override
                    public void presenceDropped() {
                        dropped.incrementAndGet();
                    }
                })
                .executors(List.of(exec))
                .clock(exec::now)
                .build();
        exec.done(node.start());
        seen = new RecordingConnection(Formats.builtIn().get("stream"));
        watcher = exec.done(node.open(NodeSecurityTest.from("10.0.0.1"), node.shardFor(exec), List.of(), seen));
        List<Ack> acks = exec.done(node.clientDatagrams(
                watcher,
                List.of(new ClientDatagram(
                        watcher.id(), "/meta/subscribe", "{\"path\":\"" + PATH + "\",\"presence\":true}", "s", null))));
        assertThat(acks.get(0).ok()).as(acks.toString()).isTrue();
        assertThat(presence()).hasSize(1);
        assertThat(members(presence().get(0))).containsExactly(watcher.clientId());
        reads.set(0);
    }

    @AfterEach
    void close() {
        node.close();
    }

    /** Every {@code /meta/presence} datagram the watcher was sent, in order. */
    private List<JsonNode> presence() {
        return presence(seen);
    }

    private static List<JsonNode> presence(RecordingConnection to) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : to.text().split("\n")) {
            if (line.contains("\"/meta/presence\"")) {
                try {
                    out.add(JSON.readTree(line.substring(line.indexOf('{'))).get("data"));
                } catch (Exception e) {
                    throw new AssertionError(line, e);
                }
            }
        }
        return out;
    }

    private static List<String> members(JsonNode snapshot) {
        assertThat(snapshot.has("members")).as("a snapshot: %s", snapshot).isTrue();
        List<String> out = new ArrayList<>();
        snapshot.get("members").forEach(m -> out.add(m.get("client").asText()));
        return out;
    }

    private void join(String client) {
        directory.join(PATH, new ClientDirectory.Member(client, null, null, "other"), TTL, 1000, 100);
    }

    private void leave(String client) {
        directory.leave(PATH, client, "other");
    }

    private JsonNode last() {
        List<JsonNode> all = presence();
        return all.get(all.size() - 1);
    }

    @Test
    void changesDroppedByAFullQueueAreRepairedWithOneSnapshotAndCounted() {
        // The shard does not run meanwhile: 5,000 changes find its presence queue (4,096) full.
        for (int i = 0; i < 2500; i++) {
            join("c" + (i % 7));
            leave("c" + (i % 7));
        }
        join("stayed-a");
        join("stayed-b");
        assertThat(dropped).hasValue(5002 - PresenceFanout.CAPACITY);
        exec.runPending();

        List<JsonNode> all = presence();
        assertThat(all)
                .as("the first snapshot, the changes that fit, one snapshot")
                .hasSize(1 + 4096 + 1);
        assertThat(members(last())).containsExactlyInAnyOrder(watcher.clientId(), "stayed-a", "stayed-b");
        assertThat(reads).as("one read for the whole storm").hasValue(1);

        // In sync again: the next change is a join, not a snapshot.
        join("sentinel");
        exec.runPending();
        assertThat(last().toString())
                .isEqualTo(
                        "{\"path\":\"/chat/room\",\"joined\":[{\"client\":\"sentinel\",\"user\":null,\"info\":null}],"
                                + "\"left\":[]}");
        assertThat(presence()).hasSize(4096 + 3);
    }

    @Test
    void aVersionThatSkipsOneIsRepairedAndOlderChangesAreNotSentAgain() {
        join("a");
        exec.runPending();
        assertThat(presence()).hasSize(2);
        // An announcement lost on the way (as a broker's connection may): the next one is two versions on.
        swallow.set(1);
        join("lost");
        join("b");
        exec.runPending();
        assertThat(presence()).hasSize(3);
        assertThat(members(last())).containsExactlyInAnyOrder("a", "b", "lost", watcher.clientId());
        assertThat(reads).hasValue(1);
        // An announcement the snapshot shows, arriving late, is not sent again: the next one sent is c.
        node.presence().presence(PATH, 3, List.of(new ClientDirectory.Member("lost", null, null, "x")), List.of());
        join("c");
        exec.runPending();
        assertThat(presence()).hasSize(4);
        assertThat(last().get("joined").get(0).get("client").asText()).isEqualTo("c");
    }

    @Test
    void aDirectoryGapResyncsEveryWatcherFromAFreshRead() {
        join("a");
        exec.runPending();
        int before = presence().size();
        node.presence().gap();
        exec.runPending();
        assertThat(presence()).hasSize(before + 1);
        assertThat(members(last())).containsExactlyInAnyOrder("a", watcher.clientId());
        assertThat(reads).hasValue(1);
    }

    @Test
    void aChangeThatComesWhileAWatchersFirstSnapshotIsOnItsWayIsNotMissed() {
        RecordingConnection seen2 = new RecordingConnection(Formats.builtIn().get("stream"));
        Tunnel second = exec.done(node.open(NodeSecurityTest.from("10.0.0.2"), node.shardFor(exec), List.of(), seen2));
        holdReads = true;
        CompletableFuture<List<Ack>> acks = node.clientDatagrams(
                        second,
                        List.of(new ClientDatagram(
                                second.id(),
                                "/meta/subscribe",
                                "{\"path\":\"" + PATH + "\",\"presence\":true}",
                                "s",
                                null)))
                .toCompletableFuture();
        exec.runPending();
        assertThat(heldReads).hasSize(1);
        holdReads = false;
        join("late"); // after the read, before its answer: the snapshot does not show it
        exec.runPending();
        heldReads.remove(0).run();
        exec.runPending();
        assertThat(acks).isDone();
        assertThat(acks.join().get(0).ok()).isTrue();

        List<JsonNode> got = presence(seen2);
        assertThat(got).hasSize(2);
        assertThat(members(got.get(0))).containsExactlyInAnyOrder(watcher.clientId(), second.clientId());
        assertThat(members(got.get(1))).containsExactlyInAnyOrder(watcher.clientId(), second.clientId(), "late");
        // The first watcher, which missed nothing, heard both joins as joins.
        assertThat(presence()).hasSize(3);
        assertThat(last().get("joined").get(0).get("client").asText()).isEqualTo("late");
    }

    @Test
    void aWatcherThatMissedNothingGetsJoinsAndNoSnapshot() {
        for (int i = 0; i < 50; i++) {
            join("m" + i);
        }
        exec.runPending();
        join("sentinel");
        exec.runPending();
        List<JsonNode> all = presence();
        assertThat(all).hasSize(1 + 51);
        assertThat(all.subList(1, all.size()))
                .allSatisfy(d -> assertThat(d.has("joined")).isTrue());
        assertThat(last().get("joined").get(0).get("client").asText()).isEqualTo("sentinel");
        assertThat(dropped).hasValue(0);
        assertThat(reads).hasValue(0);
    }

    /** The memory directory, counting the reads of members and losing the announcements it is told to. */
    private final class Observed implements ClientDirectory {
        @Override
        public CompletionStage<Void> start(Listener l) {
            return directory.start((path, version, joined, left) -> {
                if (swallow.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
                    l.presence(path, version, joined, left);
                }
            });
        }

        @Override
        public CompletionStage<Members> members(String path, int max) {
            reads.incrementAndGet();
            CompletionStage<Members> now = directory.members(path, max);
            if (!holdReads) {
                return now;
            }
            CompletableFuture<Members> later = new CompletableFuture<>(); // read now, answered when the test says
            heldReads.add(() -> now.thenAccept(later::complete));
            return later;
        }

        @Override
        public CompletionStage<Void> put(Collection<Entry> entries, Duration ttl) {
            return directory.put(entries, ttl);
        }

        @Override
        public CompletionStage<Void> remove(String client, String node) {
            return directory.remove(client, node);
        }

        @Override
        public CompletionStage<@Nullable Entry> client(String client) {
            return directory.client(client);
        }

        @Override
        public CompletionStage<Page<Entry>> holders(
                Collection<String> keys, @Nullable String under, @Nullable String after, int limit) {
            return directory.holders(keys, under, after, limit);
        }

        @Override
        public CompletionStage<Page<PathCount>> paths(String prefix, @Nullable String after, int limit) {
            return directory.paths(prefix, after, limit);
        }

        @Override
        public CompletionStage<Page<Entry>> users(String user, @Nullable String after, int limit) {
            return directory.users(user, after, limit);
        }

        @Override
        public CompletionStage<Joined> join(String path, Member member, Duration ttl, int maxMembers, int maxPaths) {
            return directory.join(path, member, ttl, maxMembers, maxPaths);
        }

        @Override
        public CompletionStage<Void> leave(String path, String client, String node) {
            return directory.leave(path, client, node);
        }

        @Override
        public void close() {
            directory.close();
        }
    }
}
