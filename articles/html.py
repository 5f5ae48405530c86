"""The one allowlist for editor-supplied HTML, applied on every save, and the story's own photos placed in it.

An editor places a photo of the story in its body as an empty placeholder, ``<figure data-photo="12"></figure>``
(the body editor's "photo" node, static/admin/js/photo_figure.js). The sanitiser keeps exactly that: a
``data-photo`` that is a photo id and nothing inside. When the story is saved the placeholders are replaced
by the photo's reader figure (``Article.render_body``); one naming a photo that is not the story's own is
dropped, so a body can only ever show its own story's photos.
"""

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "a", "hr",
    "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start", "type"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "figure": {"data-photo"},
}
PHOTO_ID = re.compile(r"[1-9][0-9]{0,17}")


def _keep_photo_ids_only(element, attribute, value):
    if element == "figure" and attribute == "data-photo":
        return value if PHOTO_ID.fullmatch(value) else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_keep_photo_ids_only,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def photo_placeholder(photo_id):
    return f'<figure data-photo="{int(photo_id)}"></figure>'


class _PlaceholderRewriter(HTMLParser):
    """Copies sanitised HTML token by token, each photo placeholder (whatever it holds) replaced whole."""

    def __init__(self, replacement):
        super().__init__(convert_charrefs=False)
        self.replacement = replacement
        self.out = []
        self.depth = 0  # figures open inside the current placeholder, itself included
        self.photo_id = None

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag == "figure"
            return
        photo_id = dict(attrs).get("data-photo") if tag == "figure" else None
        if photo_id is not None:
            self.depth, self.photo_id = 1, int(photo_id)
            return
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if not self.depth:
            self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= tag == "figure"
            if not self.depth:
                self.out.append(self.replacement(self.photo_id))
            return
        self.out.append(f"</{tag}>")

    def _text(self, text):
        if not self.depth:
            self.out.append(text)

    def handle_data(self, data):
        self._text(data)

    def handle_entityref(self, name):
        self._text(f"&{name};")

    def handle_charref(self, name):
        self._text(f"&#{name};")


def replace_photo_placeholders(html, replacement):
    """``html`` (already sanitised) with each placeholder replaced by ``replacement(photo_id)``."""
    if "data-photo" not in html:
        return html
    rewriter = _PlaceholderRewriter(replacement)
    rewriter.feed(html)
    rewriter.close()
    return "".join(rewriter.out)


# In sanitised HTML a "<" is markup, never text (text has "&lt;"), and a placeholder has exactly this form.
_PLACEHOLDER = re.compile(r'<figure data-photo="([1-9][0-9]{0,17})"></figure>')


def placed_photo_ids(html):
    """The ids of the photos placed in a sanitised body, in order (a reader's page asks: kept cheap)."""
    return [int(photo_id) for photo_id in _PLACEHOLDER.findall(html or "")]


def sanitize_html(html):
    """Return ``html`` reduced to the allowlist; an editor's empty paragraph is ''."""
    cleaned = replace_photo_placeholders(_cleaner.clean(html or "").strip(), photo_placeholder)
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned
