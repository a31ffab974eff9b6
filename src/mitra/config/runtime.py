"""What a long-running server process does once its application is loaded.

``settle_heap``: collect, then freeze what is left (Django, the URL conf, settings, the modules
it imported) into the garbage collector's permanent generation, so the collections that run
while pages render no longer walk those hundreds of thousands of objects each time. Measured
on the results dashboard at one million values (bench/results.py): the p95 tail came from those
walks, not from SQL.

It also makes full collections (of the oldest generation) ten times rarer: a page that holds
~100,000 objects while it renders (the scorecard of a busy partnership) otherwise pays a walk
of all of them every few requests, which was the rest of the p95 tail (bench/results.py,
alternating: the dashboard's p95 128-149 ms -> 70-84 ms, the scorecard's 186-207 -> 117-151,
medians unchanged). Young cycles are still collected as often as before; only garbage that
survived two young collections waits longer.

Called by ``mitra serve``'s workers (``config.gunicorn.post_worker_init``) and by the benchmarks
that stand for them.
"""

from __future__ import annotations

import gc

#: Collections of the middle generation between two full collections (CPython's default: 10).
FULL_COLLECTION_EVERY = 100


def settle_heap() -> None:
    gc.collect()
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
