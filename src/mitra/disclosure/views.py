"""The open-data page: the bulk downloads (files made in the background, with their date and
size), the paginated API packages and the feed. Nothing here builds an export: the files are
read from disk as they are (``dumps``)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from mitra.core.views import render_page

from . import dumps


def open_data(request: HttpRequest) -> HttpResponse:
    context = {
        "nav": "open_data",
        "files": dumps.published_files(),
        "out_of_date": dumps.is_dirty(),
    }
    return render_page(request, "disclosure/open_data.html", context)


def dump_download(request: HttpRequest, name: str) -> HttpResponse:
    """One bulk file as it lies on disk (streamed by the server, never built here)."""
    path = dumps.dump_path(name)
    if path is None:
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=dumps.BY_NAME[name].media_type,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
