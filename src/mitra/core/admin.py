"""Admin base for platform staff: history, validation, and version bumps on every save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, quote, unquote
from django.db import router
from django.db.models import QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


def hidden_ids(model: Any, site: Any = None) -> QuerySet[Any] | None:
    """The ids of a model's items the admin must not show (``ConfidentialAdmin``), if any."""
    model_admin = (site or admin.site)._registry.get(model)
    if isinstance(model_admin, ConfidentialAdmin):
        return model_admin.confidential_ids()
    return None


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

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        """Drop-downs never offer (or accept) another organisation's owner-only item."""
        hidden = hidden_ids(db_field.related_model, self.admin_site)
        if hidden is not None:
            queryset = kwargs.get("queryset", db_field.related_model._default_manager.all())
            kwargs["queryset"] = queryset.exclude(pk__in=hidden)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_deleted_objects(self, objs: Any, request: Any) -> Any:
        """Django's list of what a delete takes with it, with owner-only items named only as
        such: their amounts and titles are not platform staff's to read."""
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        site = self.admin_site
        hidden = {
            model: set(ids.values_list("id", flat=True))
            for model in collector.model_objs
            if (ids := hidden_ids(model, site)) is not None
        }
        perms_needed: set[str] = set()

        def describe(obj: Any) -> Any:
            opts = obj._meta
            if obj.pk in hidden.get(type(obj), ()):
                confidential = gettext("confidential to its owner")
                return f"{capfirst(opts.verbose_name)}: {confidential}"
            if not site.is_registered(type(obj)):
                return f"{capfirst(opts.verbose_name)}: {obj}"
            if not site.get_model_admin(type(obj)).has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(
                    f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
                )
            except NoReverseMatch:
                return f"{capfirst(opts.verbose_name)}: {obj}"
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

        to_delete = collector.nested(describe)
        protected = [describe(obj) for obj in collector.protected]
        model_count = {
            model._meta.verbose_name_plural: len(items)
            for model, items in collector.model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected


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
