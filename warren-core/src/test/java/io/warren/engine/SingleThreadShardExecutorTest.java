package io.warren.engine;

import io.warren.spi.ShardExecutor;
import io.warren.spi.ShardExecutorContract;

class SingleThreadShardExecutorTest extends ShardExecutorContract {
    private int n;

    @Override
    protected ShardExecutor newExecutor() {
        return new SingleThreadShardExecutor("contract-shard-" + n++);
    }

    @Override
    protected void shutDown(ShardExecutor executor) {
        ((SingleThreadShardExecutor) executor).close();
    }
}
