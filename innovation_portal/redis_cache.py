"""Django's Redis cache with one client per connection pool instead of one per operation.

Django builds a new ``redis.Redis`` for every get or set, and each builds its table of response
callbacks (some 170 entries): a signed-in page reads the cache three times (session, user,
unread count), so that table was built three times per page. The client only wraps the pool,
which holds the connections, so one client per pool serves every operation the same way.
Django keeps a cache object per thread, hence a client per thread too.
"""

from django.core.cache.backends import redis


class _Client(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
