"""The Content Security Policy per part of the site: readers' pages allow no inline CSS; the admin and the
API's documentation (Swagger UI, whose page carries a <style> element and whose widgets set style attributes) do."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.urls import reverse


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with ``style-src 'unsafe-inline'`` added for the admin alone.

    The admin's rich-text editor (tiptap) injects its base stylesheet as a ``<style>`` element it
    cannot give a nonce to, and admin widgets set style attributes. Readers' pages need neither, so
    they keep the strict policy of settings.CONTENT_SECURITY_POLICY: an injected style attribute or
    ``<style>`` in a story can never restyle the page (a fake login box, hidden text).
    """

    def process_response(self, request, response):
        if request.path_info.startswith((reverse("admin:index"), reverse("api-docs"))):
            update = getattr(response, "_csp_update", None) or {}
            response._csp_update = {**update, "style-src": [*update.get("style-src", []), UNSAFE_INLINE]}
        return super().process_response(request, response)
