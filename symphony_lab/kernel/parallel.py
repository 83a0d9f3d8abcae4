"""Independent pieces of one view's work (columns, mostly) run by a few threads.

numpy and pandas release the GIL in the loops that count, sort and reduce, so on a machine of two or more
cores the columns of a large frame are done two (or more) at a time. Small inputs stay in one thread
(starting threads costs more than it saves).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

PARALLEL_ROWS = 200_000  # from this many rows, pieces run in threads


def run_all(work: list[Callable[[], T]], rows: int) -> list[T]:
    """The results of ``work`` in order. An interrupt (how a view is cancelled) drops the pieces not
    started; those running finish on their own."""
    workers = max(1, min(4, os.cpu_count() or 1, len(work)))
    if rows < PARALLEL_ROWS or workers == 1:
        return [w() for w in work]
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="symphony-view")
    futures = [pool.submit(w) for w in work]
    try:
        return [f.result() for f in futures]
    finally:
        for f in futures:
            f.cancel()
        pool.shutdown(wait=False)
