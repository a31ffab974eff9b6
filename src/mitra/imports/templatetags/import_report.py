from typing import Any

from django import template

from mitra.imports.report import counts_text

register = template.Library()


@register.filter
def report_counts(counts: Any) -> str:
    """A report counter as words in the reader's language (``6 kemitraan, 3 organisasi``)."""
    return counts_text(counts)
