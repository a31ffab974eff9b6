"""ListSelect writes exactly the HTML of Django's Select, escaping included, for any choices."""

from __future__ import annotations

from typing import Any

from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from mitra.core.widgets import ListSelect
from mitra.partnerships.forms import PartnershipFilterForm

text = st.text(alphabet=st.sampled_from(["a", "Z", " ", "<", ">", "&", '"', "'", "é", "1"]))
option = st.tuples(text, text)
group = st.tuples(text.filter(bool), st.lists(option, min_size=1, max_size=3))
choices = st.lists(st.one_of(option, group), max_size=6)
attrs = st.dictionaries(
    st.sampled_from(["class", "id", "data-x", "disabled", "aria-label"]),
    st.one_of(text, st.booleans(), st.integers()),
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(choices, attrs, st.one_of(st.none(), text, st.lists(text, max_size=2)))
def test_the_html_is_django_s(choices: list[Any], attrs: dict[str, Any], value: Any) -> None:
    django_s = forms.Select(attrs=attrs, choices=choices).render("f<", value)
    ours = ListSelect(attrs=attrs, choices=choices).render("f<", value)
    assert ours == django_s


def test_the_list_filter_renders_as_before(db: Any) -> None:
    data = {"province": "ID-JB", "stage": "construction", "q": 'a "b" <c>'}
    form = PartnershipFilterForm(data, authenticated=True)
    for name in ("form", "stage", "development_sector", "province", "partner_sector", "my_role"):
        field = form.fields[name]
        assert isinstance(field.widget, ListSelect)
        bound = form[name]
        assert str(bound) == forms.Select(choices=field.choices).render(
            bound.html_name, bound.value(), bound.build_widget_attrs({"id": bound.auto_id})
        )
