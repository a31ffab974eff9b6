"""gunicorn settings of ``mitra serve`` (``--config python:mitra.config.gunicorn``).

Sized to the machine: ``2 × cores + 1`` worker processes (WEB_CONCURRENCY overrides), each
with ``MITRA_THREADS`` threads (default 4; gthread), so a page waiting on the database or a slow
client does not hold a whole process. Every value can be overridden on the command line
(``mitra serve --workers 3``) or with gunicorn's GUNICORN_CMD_ARGS.

How long a request may run, and why none is cut half-way:

- gthread's ``timeout`` watches a worker process's heartbeat, not a request: a long download
  keeps streaming while its process is alive, and the arbiter never kills a worker in the
  middle of a response it has begun (sync workers did: a 200 header, then a truncated file);
- each SQL statement of the web server is bounded to ``MITRA_STATEMENT_TIMEOUT_MS`` (25 s) on
  PostgreSQL: a page whose query is too slow fails with an error page before anything is sent;
- on a restart or reload, workers get ``graceful_timeout`` (60 s) to finish what they are
  sending before they are stopped.

No Django import here: this module is read by the arbiter before the application is loaded.
"""

from __future__ import annotations

import multiprocessing
import os


def default_workers() -> int:
    return 2 * multiprocessing.cpu_count() + 1


bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
worker_class = "gthread"
threads = int(os.environ.get("MITRA_THREADS", "4"))
timeout = int(os.environ.get("MITRA_WORKER_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("MITRA_GRACEFUL_TIMEOUT", "60"))
keepalive = 5
# A process is replaced after this many requests (with jitter, so not all at once): memory a
# long-running process gathers is given back.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"

# Read by the production settings in each worker (config.settings.production).
os.environ.setdefault("MITRA_STATEMENT_TIMEOUT_MS", "25000")


def post_worker_init(worker: object) -> None:
    """Once a worker has loaded the application: check the release settings (after a deploy
    that changed them, every release is compared again from now, in the background:
    ``disclosure.marks.check_basis_at_start``), then freeze its heap (``config.runtime``)."""
    from mitra.config.runtime import settle_heap
    from mitra.disclosure.marks import check_basis_at_start

    check_basis_at_start()
    settle_heap()
