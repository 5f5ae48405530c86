"""Serve uploaded photos with headers that stop a browser treating them as anything but images."""

import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

# Only what articles.images writes can be served; anything else in MEDIA_ROOT is not public.
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}


@require_safe
def serve_media(request, path):
    suffix = PurePosixPath(path).suffix.lower()
    if suffix not in CONTENT_TYPES:
        raise Http404("No such file.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = CONTENT_TYPES[suffix]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # File names are unique per upload, so a stored file never changes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


mimetypes.add_type("image/webp", ".webp")
