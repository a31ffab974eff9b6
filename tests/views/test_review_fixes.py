"""Regressions from the security review: counts, missing files, no raw media URLs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.views.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_directory_counts_only_public_partnerships(client, world):
    # Pemda leads three partnerships but only one is public; the company is in none public.
    body = client.get(reverse("organisations:list")).content.decode()
    rows = {
        name: body.split(name, 1)[1].split("</tr>", 1)[0]
        for name in ("Pemda Jawa Barat", "PT Contoh Infrastruktur")
    }
    # the row's last cell: the count of published partnerships
    last = {name: re.findall(r">([^<>]*)</td>", row)[-1] for name, row in rows.items()}
    assert last == {"Pemda Jawa Barat": "1", "PT Contoh Infrastruktur": "0"}


def test_a_document_whose_file_is_gone_answers_404_not_500(client, world):
    sign_in(client, world, "member")
    world.document.file.storage.delete(world.document.file.name)
    url = reverse("partnerships:document_download", args=[world.partnership.pk, world.document.pk])
    assert client.get(url).status_code == 404


def test_uploads_are_not_reachable_by_their_storage_path(client, world, settings):
    settings.DEBUG = True
    path = "/media/" + world.secret_document.file.name
    assert client.get(path).status_code == 404
    # and the stored name is not guessable from the original file name
    assert world.secret_document.file.name.split("/")[2] != "model.xlsx"
    assert len(world.secret_document.file.name.split("/")[2]) == 32
