package io.warren.redis;

/**
 * The client-directory contract on a real 3-master Redis Cluster: every directory key shares the log's
 * hash tag (one slot), and announcements published on that master reach every node. The annotation makes
 * the inherited {@link RedisPerClass} start the cluster instead of one redis-server.
 */
@RedisPerClass.OnRedisCluster(masters = 3)
class RedisClusterDirectoryTest extends RedisClientDirectoryTest {}
