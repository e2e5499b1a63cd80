package io.warren.broker;

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
}
