"""One rule for the text Mitra stores: no C0 control characters but tab, newline and carriage
return. A vertical tab or a NUL in a title breaks XML (the Atom feed, XLSX, OCDS readers) and is
never meant: it comes from copy-paste or from data exported by other systems.

Applied to every text field of every Mitra model just before it is saved (``CoreConfig.ready``
connects :func:`strip_model_controls` to ``pre_save``), so forms, the API, the admin and the
services all store clean text; bulk imports, which skip ``save()``, clean their cells with the
same :func:`strip_controls`.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

CONTROLS = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]")


def strip_controls(text: str) -> str:
    return CONTROLS.sub("", text)


def strip_model_controls(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    """``pre_save`` receiver: clean every text field of a Mitra model instance."""
    if not sender.__module__.startswith("mitra."):
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname, None)
            if isinstance(value, str) and CONTROLS.search(value):
                setattr(instance, field.attname, strip_controls(value))
