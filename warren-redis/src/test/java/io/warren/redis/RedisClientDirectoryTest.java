package io.warren.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.broker.ClientDirectoryContract;
import io.warren.path.PathPattern;
import io.warren.spi.ClientDirectory;
import io.warren.spi.ClientDirectory.Entry;
import io.warren.spi.ClientDirectory.Joined;
import io.warren.spi.ClientDirectory.Member;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client directory on a real Redis, against the shared contract, plus what two members share. */
class RedisClientDirectoryTest extends ClientDirectoryContract {
    @RegisterExtension
    static final RedisPerClass redis = new RedisPerClass();
    /** Per test, a key prefix of its own: maxPaths counts every path of a prefix. */
    private final RedisTestNodes nodes = new RedisTestNodes("dir");

    /** The contract closes the directories; the connections close with the brokers. */
    @AfterEach
    void closeBrokers() {
        nodes.closeBrokers();
    }

    @Override
    protected ClientDirectory startMember(ClientDirectory.Listener listener) {
        ClientDirectory d = nodes.connect(redis.uri()).directory();
        join(d.start(listener));
        return d;
    }

    @Test
    void twoMembersShareEntriesAndHearEachOthersJoins() throws InterruptedException {
        BlockingQueue<Change> heardA = new LinkedBlockingQueue<>();
        BlockingQueue<Change> heardB = new LinkedBlockingQueue<>();
        ClientDirectory a = member(heardA);
        ClientDirectory b = member(heardB);
        String client = run.substring(1) + "x";
        Entry e = new Entry(client, null, null, List.of(PathPattern.parse(run + "/q")), false, null, "node-b");
        join(b.put(List.of(e), TTL));
        assertThat(join(a.client(client))).isEqualTo(e);
        assertThat(join(a.holders(List.of(), run, null, 10)).items()).containsExactly(e);

        Member m = e.member();
        assertThat(join(b.join(run + "/room", m, TTL, 5, 5))).isEqualTo(Joined.JOINED);
        Change onA = heardA.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Change onB = heardB.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(onA).as("the other node hears the join").isNotNull();
        assertThat(onA).isEqualTo(onB);
        assertThat(onA.joined()).containsExactly(m);
        join(a.leave(run + "/room", client, "node-a"));
        assertThat(join(a.members(run + "/room", 5)).items())
                .as("a leave names the member's node")
                .containsExactly(m);
    }
}
