"""``mitra backup`` and ``mitra restore`` round-trip the demo: every row and every document."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db(transaction=True)

SKIP = {"contenttypes", "auth.permission", "sessions", "admin.logentry"}


def _counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in SKIP or label in SKIP or not model._meta.managed:
            continue
        counts[label] = model._default_manager.count()
    return counts


def test_backup_then_restore_gives_the_demo_back(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("demo", stdout=StringIO())
    from mitra.partnerships.models import Document, Partnership

    before = _counts()
    titles = sorted(Partnership.objects.values_list("code", "title_ind", "title_en"))
    document = Document.objects.first()
    content = document.file.read() if document else b""
    backup = tmp_path / "mitra.zip"
    call_command("backup", str(backup), stdout=StringIO())
    # a restore refuses a database that holds data
    with pytest.raises(CommandError):
        call_command("restore", str(backup), stdout=StringIO())
    # given an empty database and no files
    call_command("flush", "--noinput", verbosity=0)
    for path in (tmp_path / "media").rglob("*"):
        if path.is_file():
            path.unlink()
    # when the backup is restored, everything is back
    call_command("restore", str(backup), stdout=StringIO())
    assert _counts() == before
    assert sorted(Partnership.objects.values_list("code", "title_ind", "title_en")) == titles
    if document:
        assert Document.objects.get(pk=document.pk).file.read() == content


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError):
        call_command("restore", str(bad), stdout=StringIO())
