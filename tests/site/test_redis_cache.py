"""The Redis cache backend: Django's, with one redis-py client kept per pool (see citynews/cache.py)."""

import pickle

import pytest

from citynews.cache import RedisCache
from tests.conftest import REDIS_URL, redis_is_up

pytestmark = pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379 (CI starts it)")


@pytest.fixture
def cache():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-redis-cache"})
    yield cache
    cache.clear()


def test_one_client_serves_every_call(cache):
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_values_round_trip_as_with_djangos_backend(cache):
    page = (1, 200, [("Content-Type", "text/html; charset=utf-8")], "<p>Shenzhen 深圳</p>".encode())
    cache.set("page", page, 30)
    cache.set_many({"a": 1, "b": [2, 3]}, 30)
    assert cache.get("page") == page
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": [2, 3]}
    assert cache.add("a", 5) is False and cache.incr("a") == 2
    cache.delete("page")
    assert cache.get("page") is None


def test_a_forked_worker_gets_its_own_connections(cache):
    """gunicorn forks after the app is loaded: a shared client must not share sockets across processes."""
    import os

    cache.set("before-fork", "x", 30)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: use the inherited client, report what it read
        try:
            os.write(writer, pickle.dumps(cache.get("before-fork")))
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert pickle.loads(os.read(reader, 1024)) == "x"
    assert cache.get("before-fork") == "x"  # the parent's connections still work
