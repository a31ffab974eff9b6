"""What a long-running server process does once its application is loaded.

``settle_heap``: collect, then freeze what is left (Django, the URL conf, settings, the modules
it imported) into the garbage collector's permanent generation, so the collections that run
while pages render no longer walk those hundreds of thousands of objects each time. Measured
on the results dashboard at one million values (bench/results.py): the p95 tail came from those
walks, not from SQL. Called by ``mitra serve``'s workers (``config.gunicorn.post_worker_init``)
and by the benchmarks that stand for them.
"""

from __future__ import annotations

import gc


def settle_heap() -> None:
    gc.collect()
    gc.freeze()
