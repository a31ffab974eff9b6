"""Oversized bodies are refused before they are read; an organisation's documents have a quota
(issue 18: request-body caps and a per-organisation storage quota)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mitra.partnerships.models import Document

pytestmark = pytest.mark.django_db
FIELDS = {"doc_type": "report", "revision": "1", "confidentiality": "partners"}


def test_a_body_declared_too_large_is_refused_at_once(client, world, settings):
    settings.MITRA_MAX_REQUEST_BYTES = 1000
    client.force_login(world.users["member"])
    url = reverse("partnerships:document_create", args=[world.partnership.pk])
    response = client.post(url, {"title": "x", "doc_type": "minutes"}, CONTENT_LENGTH="5000000")
    assert response.status_code == 413
    api = client.post(
        "/api/v1/partnerships", data="{}", content_type="application/json", CONTENT_LENGTH="5000000"
    )
    assert api.status_code == 413


def test_an_upload_streaming_past_the_cap_is_stopped(settings):
    # a chunked body declares no length: the first upload handler counts what streams in
    from django.core.files.uploadhandler import StopUpload

    from mitra.core.middleware import CappedUploadHandler

    settings.MITRA_MAX_REQUEST_BYTES = 10_000
    handler = CappedUploadHandler()
    assert handler.receive_data_chunk(b"x" * 6_000, 0) == b"x" * 6_000
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 6_000, 6_000)


def test_an_organisations_documents_have_a_storage_quota(client, world, settings):
    used = sum(d.size for d in Document.objects.filter(owner__organisation=world.company))
    settings.MITRA_ORGANISATION_STORAGE_BYTES = used + 100
    client.force_login(world.users["member"])
    url = "/en" + reverse("partnerships:document_create", args=[world.partnership.pk])
    small = SimpleUploadedFile("ok.pdf", b"%PDF" + b"x" * 50, "application/pdf")
    assert client.post(url, {**FIELDS, "title": "Fits", "file": small}).status_code == 302
    over = SimpleUploadedFile("over.pdf", b"%PDF" + b"x" * 200, "application/pdf")
    response = client.post(url, {**FIELDS, "title": "Too much", "file": over})
    assert response.status_code == 400
    assert "storage" in response.content.decode()
    assert not Document.objects.filter(title="Too much").exists()
