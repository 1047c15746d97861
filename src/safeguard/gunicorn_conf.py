"""gunicorn settings for ``safeguard serve`` (and ``gunicorn -c python:safeguard.gunicorn_conf``).

Everything comes from the environment so the same file serves a laptop and a
partnership's servers (docs/runbooks.md):

``SAFEGUARD_BIND``
    Address to listen on, default ``127.0.0.1:8000`` (a TLS proxy sits in front).
``SAFEGUARD_WEB_WORKERS``
    Worker processes, default ``2 x cores + 1``, at most :data:`MAX_DEFAULT_WORKERS`.
``SAFEGUARD_WEB_TIMEOUT``
    Seconds a request may take before its worker is restarted, default 60.
``SAFEGUARD_GRACEFUL_TIMEOUT``
    Seconds workers get to finish requests in hand on stop or reload, default 30.
``SAFEGUARD_ACCESS_LOG``
    Where the access log goes, default ``-`` (standard output, for journald).
"""

from __future__ import annotations

import os

MAX_DEFAULT_WORKERS = 8

# Access log lines carry the path without its query string and no referrer:
# searches put children's names in query strings, and logs must hold no personal data.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'


def default_workers() -> int:
    """``SAFEGUARD_WEB_WORKERS``, or two per core plus one, capped."""
    configured = os.environ.get("SAFEGUARD_WEB_WORKERS", "").strip()
    if configured:
        return max(1, int(configured))
    return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)


wsgi_app = "safeguard.wsgi:application"
bind = [os.environ.get("SAFEGUARD_BIND", "127.0.0.1:8000")]
workers = default_workers()
worker_class = "sync"
timeout = int(os.environ.get("SAFEGUARD_WEB_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("SAFEGUARD_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Restart each worker now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("SAFEGUARD_ACCESS_LOG", "-")
access_log_format = ACCESS_LOG_FORMAT
errorlog = "-"
loglevel = os.environ.get("SAFEGUARD_GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the proxy on this machine.
forwarded_allow_ips = os.environ.get("SAFEGUARD_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "safeguard"
# No gunicorn control socket: nothing here uses it, and it would be one more way in.
control_socket_disable = True
