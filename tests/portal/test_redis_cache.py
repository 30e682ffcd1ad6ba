from innovation_portal.redis_cache import RedisCache


def test_the_redis_cache_keeps_one_client_per_connection_pool():
    # Building a client opens no connection: this runs without a Redis server.
    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    client = cache._cache.get_client("key")
    assert cache._cache.get_client("other") is client
    assert client.connection_pool is cache._cache.get_client(write=True).connection_pool
