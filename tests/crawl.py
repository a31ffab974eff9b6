"""Following every link of the site as one reader, for the sweeps over the demo."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.test import Client

#: What a sweep does not follow: other languages (the same pages), the admin, files, downloads,
#: sorted and deep pages of a list (the same rows again).
SKIP = re.compile(
    r"^/(en/|admin|static/|media/|accounts/logout|open-data/files/)"
    r"|[?&](export|sort)=|[?&]page=\d{2,}|\.(pdf|xlsx|csv|ics|json|zip)(\?|$)"
)


def pages(client: Client, start: Iterable[str], limit: int) -> Iterator[tuple[str, Any, str]]:
    """``(url, response, body)`` for each page reached from ``start`` (at most ``limit``
    requests), breadth first; ``body`` is the HTML of a page answered 200 (whose links are
    followed), else empty."""
    queue, seen = list(start), set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        body = ""
        if response.status_code == 200 and not getattr(response, "streaming", False):
            body = response.content.decode("utf-8", "replace")
            for link in map(html.unescape, re.findall(r'href="(/[^"#]*)', body)):
                if not SKIP.search(link) and link not in seen:
                    queue.append(link)
        yield url, response, body
