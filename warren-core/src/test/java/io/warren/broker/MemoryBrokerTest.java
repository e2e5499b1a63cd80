package io.warren.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.ErrorCode;
import io.warren.datagram.Datagram;
import io.warren.path.Path;
import io.warren.spi.Broker;
import io.warren.spi.HistoryRule;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The in-memory broker against the shared contract. */
class MemoryBrokerTest extends BrokerContract {
    @Override
    protected Broker createBroker(java.util.List<HistoryRule> history) {
        return new MemoryBroker(history);
    }

    @Override
    protected boolean hasLog() {
        return false;
    }

    @Test
    void noSilentLoss_aNodeThatCannotRouteTheDatagramFailsItsPublish() {
        Broker b = newBroker();
        b.start(d -> {
            throw ErrorCode.OVERLOADED.exception("full");
        });
        CompletableFuture<Void> sent =
                b.publish(new Datagram(ids.next(), Path.of("/a"), "1", null)).toCompletableFuture();
        assertThat(sent).isCompletedExceptionally();
        assertThat(sent.handle((v, e) -> e).join()).hasMessage("full");
    }
}
