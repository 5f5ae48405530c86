"""Rank-history charts drawn on the server as inline SVG: no JavaScript, readable by screen readers."""

import io
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from PIL import Image, ImageDraw, ImageFont

from .templatetags.ranks import ordinal

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 20, 36


@dataclass(frozen=True)
class RankPoint:
    year: int
    position: int
    field_size: int

    @property
    def label(self):
        return f"{self.year}: {ordinal(self.position)} of {self.field_size}"


def _x(index, count):
    plot_width = WIDTH - LEFT - RIGHT
    if count == 1:
        return LEFT + plot_width / 2
    return LEFT + plot_width * index / (count - 1)


def _y(position, field_size):
    # Position 1 sits at the top: a rising line means a better rank.
    plot_height = HEIGHT - TOP - BOTTOM
    return TOP + plot_height * (position - 1) / max(field_size - 1, 1)


def rank_history_svg(chart_id, title, points):
    """One circle per year, joined by a line; the accessible name is the <title>, the data is in <desc>."""
    points = sorted(points, key=lambda point: point.year)
    field_size = max(point.field_size for point in points)
    coordinates = [
        (round(_x(i, len(points)), 1), round(_y(p.position, field_size), 1), p) for i, p in enumerate(points)
    ]
    grid = format_html_join(
        "",
        '<line class="chart__grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
        '<text class="chart__axis" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (LEFT, _y(position, field_size), WIDTH - RIGHT, _y(position, field_size), LEFT - 8,
             _y(position, field_size) + 4, ordinal(position))
            for position in sorted({1, field_size})
        ),
    )  # fmt: skip
    years = format_html_join(
        "",
        '<text class="chart__axis" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((x, HEIGHT - 10, point.year) for x, _, point in coordinates),
    )
    line = " ".join(f"{x},{y}" for x, y, _ in coordinates)
    circles = format_html_join(
        "",
        '<circle class="chart__point" cx="{}" cy="{}" r="5"><title>{}</title></circle>',
        ((x, y, point.label) for x, y, point in coordinates),
    )
    # Each point carries its position, so a reader need not read it off a two-tick axis;
    # below the point in the top half of the plot, above it in the bottom half, never clipped.
    middle = TOP + (HEIGHT - TOP - BOTTOM) / 2
    values = format_html_join(
        "",
        '<text class="chart__label" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((x, y + 24 if y < middle else y - 12, ordinal(point.position)) for x, y, point in coordinates),
    )
    description = "; ".join(point.label for point in points)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<g aria-hidden="true">{}{}<polyline class="chart__line" fill="none" points="{}"/>{}{}</g></svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        f"Position by year, first place at the top. {description}.",
        grid,
        years,
        line,
        circles,
        values,
    )


# Embeddable charts: the same drawing, standing alone with its title and source line ---------------

EMBED_TITLE_HEIGHT, EMBED_SOURCE_HEIGHT = 34, 28
EMBED_HEIGHT = EMBED_TITLE_HEIGHT + HEIGHT + EMBED_SOURCE_HEIGHT
INK, MUTED, RULE, ACCENT = (26, 26, 26), (85, 85, 85), (204, 204, 204), (11, 92, 173)
# The site's stylesheet does not reach an embedded chart, so it carries its own few rules.
EMBED_STYLE = (
    "text{font-family:system-ui,sans-serif;fill:#1a1a1a}"
    ".embed__title{font-size:15px;font-weight:700}.embed__source,.chart__axis{font-size:12px;fill:#555}"
    ".chart__grid{stroke:#ccc;stroke-width:1}.chart__line{stroke:#0b5cad;stroke-width:2}"
    ".chart__point{fill:#0b5cad}.chart__label{font-size:12px;font-weight:700}"
)


def standalone_rank_history_svg(title, source_line, points):
    """A whole SVG document: the page's chart under its own title, with the source line below it."""
    chart = rank_history_svg("embed-chart", title, points)
    return format_html(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}">'
        "<style>{}</style>"
        '<rect width="100%" height="100%" fill="#fff"/>'
        '<text class="embed__title" x="12" y="22">{}</text>'
        '<g transform="translate(0 {})">{}</g>'
        '<text class="embed__source" x="12" y="{}">{}</text></svg>\n',
        WIDTH,
        EMBED_HEIGHT,
        WIDTH,
        EMBED_HEIGHT,
        EMBED_STYLE,
        title,
        EMBED_TITLE_HEIGHT,
        chart,
        EMBED_HEIGHT - 10,
        source_line,
    )


def rank_history_png(title, source_line, points, scale=2):
    """The standalone chart as PNG bytes, for places that cannot show SVG. Drawn when an editor saves."""

    def font(size):
        return ImageFont.load_default(size=size * scale)

    def at(x, y):
        return (x * scale, (y + EMBED_TITLE_HEIGHT) * scale)

    points = sorted(points, key=lambda point: point.year)
    field_size = max(point.field_size for point in points)
    image = Image.new("RGB", (WIDTH * scale, EMBED_HEIGHT * scale), "white")
    draw = ImageDraw.Draw(image)
    draw.text((12 * scale, 8 * scale), title, fill=INK, font=font(15))
    small = font(12)
    for position in sorted({1, field_size}):
        y = _y(position, field_size)
        draw.line([at(LEFT, y), at(WIDTH - RIGHT, y)], fill=RULE, width=scale)
        draw.text(at(LEFT - 8, y), ordinal(position), fill=MUTED, font=small, anchor="rm")
    coordinates = [(_x(i, len(points)), _y(p.position, field_size), p) for i, p in enumerate(points)]
    if len(coordinates) > 1:
        draw.line([at(x, y) for x, y, _ in coordinates], fill=ACCENT, width=2 * scale)
    middle = TOP + (HEIGHT - TOP - BOTTOM) / 2
    for x, y, point in coordinates:
        cx, cy = at(x, y)
        draw.ellipse([cx - 5 * scale, cy - 5 * scale, cx + 5 * scale, cy + 5 * scale], fill=ACCENT)
        draw.text(at(x, y + 20 if y < middle else y - 16), ordinal(point.position), fill=INK, font=small, anchor="mm")
        draw.text(at(x, HEIGHT - 14), str(point.year), fill=MUTED, font=small, anchor="mm")
    draw.text((12 * scale, (EMBED_HEIGHT - 22) * scale), source_line, fill=MUTED, font=small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
