"""Gunicorn settings for citynews: `gunicorn -c deploy/gunicorn.conf.py citynews.wsgi`.

Every value can be overridden from the environment (see deploy/README.md); the defaults suit one
machine behind deploy/nginx.conf.
"""

import multiprocessing
import os
import shutil
import tempfile

wsgi_app = "citynews.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# A request that takes longer than this is stuck (the database answers in seconds or not at all, see
# DB_CONNECT_TIMEOUT): the worker is killed and replaced rather than kept hanging.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On reload or shutdown, workers get this long to finish the requests they are serving.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5

# Recycle workers so that slow leaks never accumulate; the jitter keeps them from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 10000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 1000))

# Import Django once in the master: workers fork ready to serve, and a broken deploy fails at start.
# Django opens no database connection at import, so none is shared between workers.
preload_app = True

# nginx buffers request bodies; these only bound what reaches us from anything else.
limit_request_line = 8190
limit_request_fields = 100

# Only the local nginx may set X-Forwarded-Proto (read by SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
# Access and error lines as JSON, like the app's own (citynews/logs.py): the reader's address (from
# X-Forwarded-For only with TRUST_X_FORWARDED_FOR=1) and the request id the response carries.
logger_class = "citynews.logs.GunicornLogger"

# Every worker writes its Prometheus counts to this directory and /metrics adds them all up. It must
# be set before the app (and prometheus-client) is loaded, and start empty: counts of a previous run
# are not this run's.
metrics_directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="citynews-metrics-")
shutil.rmtree(metrics_directory, ignore_errors=True)
os.makedirs(metrics_directory)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_directory


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if os.path.isdir("/dev/shm"):
    # The heartbeat file on tmpfs: a worker blocked on a slow disk is not mistaken for a stuck one.
    worker_tmp_dir = "/dev/shm"
