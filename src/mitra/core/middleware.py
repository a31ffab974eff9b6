"""Request bodies larger than Mitra ever accepts are refused before they are read.

Django reads a whole multipart upload into temporary files before a view can look at its size;
a client sending gigabytes would fill the disk and hold a worker. ``MITRA_MAX_REQUEST_BYTES``
(a little above the largest upload any form takes: a 30 MB import table) caps the declared
``Content-Length``, answered at once with 413; :class:`CappedUploadHandler` stops a body whose
length was not declared (chunked) at the same size while it streams in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _


def max_request_bytes() -> int:
    return int(getattr(settings, "MITRA_MAX_REQUEST_BYTES", 32 * 1024 * 1024))


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > max_request_bytes():
            limit = max_request_bytes() // 2**20
            message = _("The request is larger than %(mb)d MB: nothing was read or saved.") % {
                "mb": limit
            }
            response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class CappedUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: counts the bytes of every uploaded file as they come
    and stops the upload past the cap (the view then sees no file and says so)."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_request_bytes():
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every response: camera, microphone, location and payment are off
    (``PERMISSIONS_POLICY``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


class ReaderTimeZoneMiddleware:
    """Shows times in the reader's zone (WIB, WITA or WIT; core.timezones) for the request.

    After the authentication middleware. The zone is kept in the session at sign-in, so this
    adds no query to a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from mitra.core.timezones import activate_for

        activate_for(request)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
