package io.warren.broker;

/** The in-memory broker against the shared contract. */
class MemoryBrokerTest extends BrokerContract {
    @Override
    protected Broker createBroker() {
        return new MemoryBroker();
    }

    @Override
    protected boolean hasLog() {
        return false;
    }
}
