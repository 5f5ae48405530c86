"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django's client builds a new ``redis.Redis`` for every cache operation. Building one fills its
table of response callbacks, which costs more than the GET it then sends: a quarter of a cached
page's time. A ``redis.Redis`` is safe to share between threads (it takes connections from its
pool per command), and the pool itself starts afresh in a forked worker.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
