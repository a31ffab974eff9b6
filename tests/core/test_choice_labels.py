"""get_FOO_display() of Mitra's models (core.models.BaseModel) answers as Django's own does, in
each language, for every choice and for a value that is not one."""

from __future__ import annotations

import pytest
from django.db import models
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

from mitra.partnerships.models import Partnership
from mitra.results.models import Indicator, Update


def djangos_own(instance: models.Model, field: models.Field) -> object:
    value = getattr(instance, field.attname)
    labels = dict(make_hashable(field.flatchoices))
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


@pytest.mark.parametrize(
    ("model", "name"),
    [(Update, "status"), (Indicator, "measure"), (Indicator, "direction"), (Partnership, "stage")],
)
@pytest.mark.parametrize("language", ["id", "en"])
def test_labels_are_djangos_in_each_language(model: type, name: str, language: str) -> None:
    field = model._meta.get_field(name)
    values = [value for value, _ in field.flatchoices] + ["not-a-choice", None]
    with translation.override(language):
        for value in values:
            instance = model(**{field.attname: value})
            shown = getattr(instance, f"get_{name}_display")()
            assert shown == djangos_own(instance, field)
            assert type(shown) is type(djangos_own(instance, field))


def test_a_label_follows_the_language() -> None:
    update = Update(status="approved")
    with translation.override("en"):
        english = update.get_status_display()
    with translation.override("id"):
        indonesian = update.get_status_display()
    assert english != indonesian
    assert isinstance(english, str) and isinstance(indonesian, str)
