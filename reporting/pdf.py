"""PDF rendering with WeasyPrint: tagged PDF/UA-1, fetching nothing but our own static files."""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

BASE_URL = "https://portal.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URIs and files under STATIC_URL from the static finders and refuses
    everything else (no file://, no network): user-written text can never make the server
    fetch a URL."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        if f"{parts.scheme}://{parts.netloc}/" == BASE_URL and parts.path.startswith(static_prefix):
            try:
                found = finders.find(parts.path[len(static_prefix) :])
            except SuspiciousFileOperation:  # "../" out of the static folders
                found = None
            if found:
                content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, Path(found).read_bytes(), {"Content-Type": content_type}
                )
        raise ValueError(f"refused to fetch {url!r}")


def render_pdf(*, html: str) -> bytes:
    """Tagged PDF/UA-1; the document title and language come from <title> and <html lang>."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")
