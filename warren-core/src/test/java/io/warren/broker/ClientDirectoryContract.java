package io.warren.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.path.PathPattern;
import io.warren.spi.ClientDirectory;
import io.warren.spi.ClientDirectory.Entry;
import io.warren.spi.ClientDirectory.Joined;
import io.warren.spi.ClientDirectory.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link ClientDirectory} contract as tests: every implementation extends this class (see its Javadoc).
 * Members come from {@link #startMember}; each call is another node of the same cluster (a memory
 * directory is its own cluster of one, so the tests use one member where they can).
 */
public abstract class ClientDirectoryContract {
    protected static final Duration WAIT = Duration.ofSeconds(10);
    protected static final Duration TTL = Duration.ofSeconds(30);

    private final List<ClientDirectory> members = new ArrayList<>();
    /** Unique per test, so that tests sharing a backend never see each other's clients or paths. */
    protected final String run = "/" + UUID.randomUUID().toString().substring(0, 8);

    /** A new member of this test's cluster, already started with {@code listener}. */
    protected abstract ClientDirectory startMember(ClientDirectory.Listener listener);

    /** One announcement. */
    protected record Change(String path, long version, List<Member> joined, List<Member> left) {}

    protected final ClientDirectory member(BlockingQueue<Change> heard) {
        ClientDirectory d = startMember((path, version, joined, left) ->
                heard.add(new Change(path, version, List.copyOf(joined), List.copyOf(left))));
        members.add(d);
        return d;
    }

    @AfterEach
    void closeMembers() {
        members.forEach(ClientDirectory::close);
    }

    protected static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture()
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                .join();
    }

    private Entry entry(String client, String node, String... patterns) {
        return entryOf(client, user(client), node, patterns);
    }

    /** A user name unique to this test run. */
    private String user(String name) {
        return "user-" + run.substring(1) + "-" + name;
    }

    private Entry entryOf(String client, @Nullable String user, String node, String... patterns) {
        List<PathPattern> ps = new ArrayList<>();
        for (String p : patterns) {
            ps.add(
                    p.endsWith(" +subpaths")
                            ? PathPattern.parse(run + p.substring(0, p.length() - " +subpaths".length()), true)
                            : PathPattern.parse(run + p));
        }
        return new Entry(run.substring(1) + client, user, "{\"n\":1}", ps, true, "sse", node);
    }

    private String id(String client) {
        return run.substring(1) + client;
    }

    private static Change next(BlockingQueue<Change> q) throws InterruptedException {
        Change c = q.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(c).as("an announcement").isNotNull();
        return c;
    }

    @Test
    void anEntryIsReadBackAndRemovedOnlyByItsNode() {
        ClientDirectory d = member(new LinkedBlockingQueue<>());
        Entry a = entry("a", "n1", "/x", "/y/*");
        join(d.put(List.of(a), TTL));
        assertThat(join(d.client(id("a")))).isEqualTo(a);
        assertThat(join(d.client(id("nobody")))).isNull();
        join(d.remove(id("a"), "n2"));
        assertThat(join(d.client(id("a"))))
                .as("another node's remove leaves it")
                .isEqualTo(a);
        join(d.remove(id("a"), "n1"));
        assertThat(join(d.client(id("a")))).isNull();
        assertThat(join(d.holders(List.of(run + "/x"), null, null, 10)).count()).isZero();
    }

    @Test
    void holdersAreFoundByKeyOrBelowAPathInClientOrderAndPaged() {
        ClientDirectory d = member(new LinkedBlockingQueue<>());
        join(d.put(List.of(entry("c", "n1", "/r/a"), entry("a", "n1", "/r/*"), entry("b", "n1", "/r/a/deep")), TTL));
        var byKey = join(d.holders(List.of(run + "/r/a", run + "/r/*"), null, null, 10));
        assertThat(byKey.items()).extracting(Entry::client).containsExactly(id("a"), id("c"));
        assertThat(byKey.count()).isEqualTo(2);
        assertThat(byKey.next()).isNull();

        var first = join(d.holders(List.of(), run + "/r", null, 2));
        assertThat(first.count()).isEqualTo(3);
        assertThat(first.items()).extracting(Entry::client).containsExactly(id("a"), id("b"));
        var second = join(d.holders(List.of(), run + "/r", first.next(), 2));
        assertThat(second.items()).extracting(Entry::client).containsExactly(id("c"));
        assertThat(second.next()).isNull();

        // Interests are replaced by the next put, and the index follows.
        join(d.put(List.of(entry("c", "n1", "/other")), TTL));
        assertThat(join(d.holders(List.of(run + "/r/a"), null, null, 10)).count())
                .isZero();
    }

    private List<String> clientsOf(ClientDirectory d, String user) {
        return join(d.users(user, null, 100)).items().stream()
                .map(Entry::client)
                .toList();
    }

    @Test
    void clientsAreFoundByTheirUserOnlyInClientOrderAndPaged() {
        ClientDirectory d = member(new LinkedBlockingQueue<>());
        String ada = user("ada");
        String bob = user("bob");
        join(d.put(
                List.of(
                        entryOf("c", ada, "n1", "/x"),
                        entryOf("a", ada, "n2", "/y"),
                        entryOf("b", bob, "n1", "/x"),
                        entryOf("d", null, "n1", "/x")),
                TTL));
        var first = join(d.users(ada, null, 1));
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.items()).extracting(Entry::client).containsExactly(id("a"));
        assertThat(first.items().get(0)).isEqualTo(entryOf("a", ada, "n2", "/y"));
        var second = join(d.users(ada, first.next(), 1));
        assertThat(second.items()).extracting(Entry::client).containsExactly(id("c"));
        assertThat(second.next()).isNull();
        assertThat(second.count()).isEqualTo(2);

        // Another user's clients and anonymous ones never show; nor does a user nobody is, or a prefix of one.
        assertThat(clientsOf(d, bob)).containsExactly(id("b"));
        assertThat(join(d.users(user("nobody"), null, 10)).count()).isZero();
        assertThat(join(d.users(ada.substring(0, ada.length() - 1), null, 10)).items())
                .isEmpty();
        assertThat(join(d.users("", null, 10)).items()).isEmpty();
    }

    @Test
    void theUserIndexFollowsRewritesAndRemovalByTheOwningNodeOnly() {
        ClientDirectory d = member(new LinkedBlockingQueue<>());
        String ada = user("ada");
        String bob = user("bob");
        join(d.put(List.of(entryOf("a", ada, "n1", "/x"), entryOf("b", ada, "n1")), TTL));
        assertThat(clientsOf(d, ada)).containsExactly(id("a"), id("b"));

        // The next put replaces the entry: a new user moves it, no user takes it out of every user.
        join(d.put(List.of(entryOf("a", bob, "n1", "/x"), entryOf("b", null, "n1")), TTL));
        assertThat(clientsOf(d, ada)).isEmpty();
        assertThat(join(d.users(ada, null, 10)).count()).isZero();
        assertThat(clientsOf(d, bob)).containsExactly(id("a"));

        // A takeover rewrites the node; only that node's remove takes the entry (and its user index) out.
        join(d.put(List.of(entryOf("a", bob, "n2", "/x")), TTL));
        join(d.remove(id("a"), "n1"));
        assertThat(clientsOf(d, bob)).as("the old node's remove leaves it").containsExactly(id("a"));
        join(d.remove(id("a"), "n2"));
        assertThat(clientsOf(d, bob)).isEmpty();
        assertThat(join(d.users(bob, null, 10)).count()).isZero();
    }

    @Test
    void pathsAreCountedUnderAPrefixAndPaged() {
        ClientDirectory d = member(new LinkedBlockingQueue<>());
        join(d.put(List.of(entry("a", "n1", "/p/1", "/p/2"), entry("b", "n1", "/p/1", "/p +subpaths")), TTL));
        var all = join(d.paths(run + "/p", null, 10));
        assertThat(all.items())
                .extracting(pc -> pc.pattern().key() + "=" + pc.count())
                .containsExactly(run + "/p +subpaths=1", run + "/p/1=2", run + "/p/2=1");
        var first = join(d.paths(run + "/p/", null, 1));
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.items()).hasSize(1);
        var second = join(d.paths(run + "/p/", first.next(), 1));
        assertThat(second.items()).extracting(pc -> pc.pattern().key()).containsExactly(run + "/p/2");
        assertThat(second.next()).isNull();
    }

    @Test
    void joinsAndLeavesAreAnnouncedOnceWithGrowingVersions() throws InterruptedException {
        BlockingQueue<Change> heard = new LinkedBlockingQueue<>();
        ClientDirectory d = member(heard);
        String room = run + "/room";
        Member a = new Member(id("a"), "ua", null, "n1");
        Member b = new Member(id("b"), null, "{\"x\":1}", "n2");
        assertThat(join(d.join(room, a, TTL, 10, 10))).isEqualTo(Joined.JOINED);
        Change first = next(heard);
        assertThat(first.joined()).containsExactly(a);
        assertThat(join(d.join(room, a, TTL, 10, 10))).as("no second join").isEqualTo(Joined.ALREADY);
        assertThat(join(d.join(room, b, TTL, 10, 10))).isEqualTo(Joined.JOINED);
        Change second = next(heard);
        assertThat(second.joined()).containsExactly(b);
        assertThat(second.version()).isGreaterThan(first.version());

        var members = join(d.members(room, 10));
        assertThat(members.items()).containsExactly(a, b);
        assertThat(members.version()).isEqualTo(second.version());

        join(d.leave(room, id("a"), "n2"));
        join(d.leave(room, id("a"), "n1"));
        Change left = next(heard);
        assertThat(left.left()).as("only its own node's leave counts").containsExactly(a);
        assertThat(left.version()).isGreaterThan(second.version());
        assertThat(join(d.members(room, 10)).items()).containsExactly(b);
        // Announcements arrive asynchronously, so "nothing more" is shown by a sentinel: the next one heard
        // must be this join, not a late copy of the repeated join or of the other node's leave.
        Member c = new Member(id("c"), null, null, "n1");
        assertThat(join(d.join(room, c, TTL, 10, 10))).isEqualTo(Joined.JOINED);
        assertThat(next(heard).joined()).as("nothing announced in between").containsExactly(c);
    }

    @Test
    void membersAndPathsAreBounded() throws InterruptedException {
        BlockingQueue<Change> heard = new LinkedBlockingQueue<>();
        ClientDirectory d = member(heard);
        for (int i = 0; i < 2; i++) {
            assertThat(join(d.join(run + "/full", new Member(id("m" + i), null, null, "n1"), TTL, 2, 2)))
                    .isEqualTo(Joined.JOINED);
        }
        assertThat(join(d.join(run + "/full", new Member(id("m2"), null, null, "n1"), TTL, 2, 2)))
                .isEqualTo(Joined.FULL);
        var members = join(d.members(run + "/full", 10));
        assertThat(members.count()).isEqualTo(2);
        assertThat(join(d.members(run + "/full", 1)).items()).hasSize(1);
        assertThat(join(d.join(run + "/second", new Member(id("m0"), null, null, "n1"), TTL, 2, 2)))
                .isEqualTo(Joined.JOINED);
        assertThat(join(d.join(run + "/third", new Member(id("m0"), null, null, "n1"), TTL, 2, 2)))
                .isEqualTo(Joined.TOO_MANY_PATHS);
        // A sentinel join after the refused ones: announcements are asynchronous, and the refused joins
        // must not have announced anything before it.
        assertThat(join(d.join(run + "/second", new Member(id("m1"), null, null, "n1"), TTL, 2, 2)))
                .isEqualTo(Joined.JOINED);
        List<String> announced = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Change c = next(heard);
            announced.add(c.path() + " " + c.joined().get(0).client());
        }
        // In any order across paths: on a Redis Cluster, paths in different slots publish from different nodes.
        assertThat(announced)
                .containsExactlyInAnyOrder(
                        run + "/full " + id("m0"),
                        run + "/full " + id("m1"),
                        run + "/second " + id("m0"),
                        run + "/second " + id("m1"));
    }

    @Test
    void entriesAndMembersExpireWithoutRefresh() {
        ClientDirectory d = member(new LinkedBlockingQueue<>());
        Duration shortTtl = Duration.ofMillis(300);
        join(d.put(List.of(entry("a", "n1", "/e")), shortTtl));
        join(d.join(run + "/e", new Member(id("a"), null, null, "n1"), shortTtl, 10, 10));
        assertThat(clientsOf(d, user("a"))).as("indexed until it expires").containsExactly(id("a"));
        await().atMost(WAIT).until(() -> join(d.client(id("a"))) == null);
        await().atMost(WAIT).until(() -> join(d.members(run + "/e", 10)).items().isEmpty());
        assertThat(join(d.holders(List.of(run + "/e"), null, null, 10)).count()).isZero();
        await().atMost(WAIT).until(() -> join(d.users(user("a"), null, 10)).count() == 0);
        assertThat(join(d.users(user("a"), null, 10)).items()).isEmpty();
    }
}
