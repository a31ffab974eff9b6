"""Pages of long lists that never scan everything: a bounded count and a capped page number.

- The count is exact up to `COUNT_EXACT_UP_TO` rows (``SELECT COUNT(*) FROM (... LIMIT n+1)``
  reads at most n+1 rows). Beyond it PostgreSQL's planner estimate of the filtered query is
  used, shown as "about N"; SQLite (one office's installation, small) counts exactly.
- Pages are numbered up to `MAX_PAGES`; a deeper page is refused with a clear message (the
  filters, the search and the downloads reach every row), so no request makes the database
  skip more than ``MAX_PAGES × per_page`` rows.
- A search ranks every match anyway, so its page carries its own total (``COUNT(*) OVER ()``)
  and the search runs once per page, not twice.
"""

from __future__ import annotations

import json
from functools import cached_property
from math import ceil
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Count, QuerySet, Window

#: Up to this many rows a list is counted exactly.
COUNT_EXACT_UP_TO = 1000
#: Pages beyond this one are not served (20 rows a page: the 10,000 newest rows).
MAX_PAGES = 500


def planner_estimate(qs: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the number of rows `qs` returns (None elsewhere or on error)."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    try:
        return int(plan[0]["Plan"]["Plan Rows"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def about(n: int) -> int:
    """A round figure for an estimate: two significant digits (22,028 → 22,000)."""
    if n < 100:
        return n
    digits = len(str(n)) - 2
    return round(n, -digits)


class BoundedPaginator(Paginator):
    """A Paginator with a bounded count, an estimate beyond it, and a page cap.

    ``ranked=True`` (a search): the page's rows carry the total of the whole result through a
    window function, so no separate count query runs while the page is not empty.
    """

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        ranked: bool = False,
        exact_up_to: int | None = None,
        max_pages: int | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.ranked = ranked
        self.exact_up_to = COUNT_EXACT_UP_TO if exact_up_to is None else exact_up_to
        self.max_pages = MAX_PAGES if max_pages is None else max_pages
        self._estimated = False
        self._known_count: int | None = None

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        if self._known_count is not None:
            return self._known_count
        qs = self.object_list
        bounded = qs.order_by()[: self.exact_up_to + 1].count()
        if bounded <= self.exact_up_to:
            return bounded
        estimate = planner_estimate(qs)
        if estimate is None:
            return qs.count()
        self._estimated = True
        return max(about(estimate), self.exact_up_to + 1)

    @property
    def count_is_estimate(self) -> bool:
        """The count shown is an estimate ("about N")."""
        return self.count is not None and self._estimated

    @cached_property
    def total_pages(self) -> int:
        """Pages the whole result would need (uncapped; Django's rule for orphans)."""
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return ceil(max(1, self.count - self.orphans) / self.per_page)

    @cached_property
    def num_pages(self) -> int:  # type: ignore[override]
        return min(self.total_pages, self.max_pages)

    @property
    def capped(self) -> bool:
        """The result has more pages than are served."""
        return self.total_pages > self.max_pages

    def _number(self, number: Any) -> int:
        try:
            value = int(number)
        except (TypeError, ValueError):
            return 1
        return max(1, value)

    def get_page(self, number: Any) -> Page:
        """The page asked for; the first when the number is not one; the last served page
        when it is too high (like Django's, but the page cap counts as the end)."""
        number = self._number(number)
        if self.ranked and "count" not in self.__dict__:
            page = self._ranked_page(number)
            if page is not None:
                return page
        try:
            return self.page(min(number, self.max_pages))
        except (PageNotAnInteger, EmptyPage):
            return self.page(self.num_pages)

    def _ranked_page(self, number: int) -> Page | None:
        """The page with the total read off its rows (one query); None when the page is empty
        (past the end: the caller counts and falls back to the last page)."""
        number = min(number, self.max_pages)
        bottom = (number - 1) * self.per_page
        qs = self.object_list.annotate(page_total=Window(Count("pk")))
        rows = list(qs[bottom : bottom + self.per_page])
        if not rows:
            return None
        self._known_count = rows[0].page_total
        return self._get_page(rows, number, self)


__all__ = ["COUNT_EXACT_UP_TO", "MAX_PAGES", "BoundedPaginator", "about", "planner_estimate"]
