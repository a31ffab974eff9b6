"""Admin base for platform staff: history, validation, and version bumps on every save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


class VersionedAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """Staff edits are validated (ModelForm → full_clean), audited by simple-history, and
    version-checked like every other edit: the form carries the version it was opened on, and
    a save on a stale copy is refused with a form error instead of overwriting a partner's
    newer change."""

    readonly_fields = ("created_at", "updated_at")

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "version" not in form.base_fields:
            return form

        class VersionCheckedForm(form):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                if self.instance.pk is not None:
                    stored = type(self.instance)._default_manager.filter(pk=self.instance.pk)
                    current = stored.values_list("version", flat=True).first()
                    if current is not None and cleaned.get("version") != current:
                        raise forms.ValidationError(
                            _(
                                "Someone else saved this record after you opened it. Nothing "
                                "was saved: reload the page and apply your change again."
                            )
                        )
                return cleaned

        VersionCheckedForm.base_fields["version"].widget = forms.HiddenInput()
        return VersionCheckedForm

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version = form.cleaned_data["version"] + 1
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


class ConfidentialAdmin(VersionedAdmin):
    """Items a partner marked 'owning organisation only' stay out of the admin too.

    Platform staff run the platform; they are not a party to the partnership, and a company's
    confidential pledge or financial model is not theirs to read. Items that are, or ever were,
    owner-only are left out of the lists, the change pages and the history pages.
    """

    def confidential_ids(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self, request: Any) -> QuerySet[Any]:
        return super().get_queryset(request).exclude(pk__in=self.confidential_ids())

    def _refuse_confidential(self, object_id: str) -> None:
        if self.confidential_ids().filter(id=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request: Any, object_id: str, extra_context: Any = None) -> Any:
        self._refuse_confidential(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: Any, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        self._refuse_confidential(object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
