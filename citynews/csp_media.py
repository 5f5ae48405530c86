"""Template tag library (registered in settings.TEMPLATES as ``csp_media``) for rendering form media under CSP.

The admin's rich-text editor ships an inline ``<script type="importmap">`` through django-js-asset;
under our Content Security Policy an inline script runs only with the request's nonce.
"""

from django import template
from js_asset import Media

register = template.Library()


@register.simple_tag(takes_context=True)
def media_with_nonce(context, media):
    nonce = getattr(context.get("request"), "csp_nonce", "")
    if not isinstance(media, Media):
        media = Media.from_media(media)
    return media.with_nonce(str(nonce)).render()
