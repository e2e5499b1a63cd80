package io.warren.broker;

import io.warren.spi.ClientDirectory;

/** The single-node directory against the shared contract. */
class MemoryDirectoryTest extends ClientDirectoryContract {
    @Override
    protected ClientDirectory startMember(ClientDirectory.Listener listener) {
        ClientDirectory d = new MemoryDirectory();
        join(d.start(listener));
        return d;
    }
}
