"""Rank-history charts, drawn on the server as inline SVG (templates/awards/includes/rank_chart.html).

Here is the geometry only: where each year's point, label and gridline sits. The markup is the template's.
"""

import io
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import ordinal
from PIL import Image, ImageDraw, ImageFont

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


@dataclass(frozen=True)
class PlacedPoint:
    point: RankPoint
    x: float
    y: float
    label_y: float


@dataclass(frozen=True)
class Gridline:
    position: int
    y: float


@dataclass(frozen=True)
class RankChart:
    """One circle per year, joined by a line; the accessible name is the <title>, the data is in <desc>."""

    chart_id: str
    title: str
    points: list
    gridlines: list
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    year_y: int = HEIGHT - 10

    @property
    def polyline(self):
        return " ".join(f"{placed.x},{placed.y}" for placed in self.points)

    @property
    def description(self):
        return f"Position by year, first place at the top. {'; '.join(p.point.label for p in self.points)}."


def _x(index, count):
    plot_width = WIDTH - LEFT - RIGHT
    if count == 1:
        return LEFT + plot_width / 2
    return LEFT + plot_width * index / (count - 1)


def _y(position, field_size):
    # Position 1 sits at the top: a rising line means a better rank.
    plot_height = HEIGHT - TOP - BOTTOM
    return TOP + plot_height * (position - 1) / max(field_size - 1, 1)


def axis_positions(field_size, most=6):
    """Positions to mark on the axis: 1st, the field's last place, and round steps between (5, 10, 20...)."""
    step = next((step for step in (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000) if field_size / step <= most), 1000)
    between = range(step, field_size, step)
    # A round mark right next to the last place would print on top of it.
    return sorted({1, field_size, *(p for p in between if field_size - p >= step / 2 and p > 1)})


def rank_chart(chart_id, title, points):
    points = sorted(points, key=lambda point: point.year)
    field_size = max(point.field_size for point in points)
    # Each point carries its position, so a reader need not read it off a two-tick axis;
    # below the point in the top half of the plot, above it in the bottom half, never clipped.
    middle = TOP + (HEIGHT - TOP - BOTTOM) / 2
    placed = []
    for index, point in enumerate(points):
        x, y = round(_x(index, len(points)), 1), round(_y(point.position, field_size), 1)
        placed.append(PlacedPoint(point, x, y, label_y=y + 24 if y < middle else y - 12))
    gridlines = [Gridline(position, _y(position, field_size)) for position in axis_positions(field_size)]
    return RankChart(chart_id=chart_id, title=title, points=placed, gridlines=gridlines)


# Embeddable charts (awards/embeds.py): the same chart standing alone, with its own title and source line --

EMBED_TITLE_HEIGHT, EMBED_SOURCE_HEIGHT = 34, 28
EMBED_HEIGHT = EMBED_TITLE_HEIGHT + HEIGHT + EMBED_SOURCE_HEIGHT
INK, MUTED, RULE, ACCENT = (26, 26, 26), (85, 85, 85), (204, 204, 204), (11, 92, 173)


def rank_history_png(title, source_line, points, scale=2):
    """The standalone chart as PNG bytes, for places that cannot show SVG. Drawn when an editor saves."""
    chart = rank_chart("png", title, points)
    image = Image.new("RGB", (WIDTH * scale, EMBED_HEIGHT * scale), "white")
    draw = ImageDraw.Draw(image)
    title_font, small = ImageFont.load_default(size=15 * scale), ImageFont.load_default(size=12 * scale)

    def at(x, y):
        return (x * scale, (y + EMBED_TITLE_HEIGHT) * scale)

    draw.text((12 * scale, 8 * scale), title, fill=INK, font=title_font)
    for line in chart.gridlines:
        draw.line([at(chart.left, line.y), at(chart.right, line.y)], fill=RULE, width=scale)
        draw.text(at(chart.left - 8, line.y), ordinal(line.position), fill=MUTED, font=small, anchor="rm")
    if len(chart.points) > 1:
        draw.line([at(placed.x, placed.y) for placed in chart.points], fill=ACCENT, width=2 * scale)
    for placed in chart.points:
        cx, cy = at(placed.x, placed.y)
        draw.ellipse([cx - 5 * scale, cy - 5 * scale, cx + 5 * scale, cy + 5 * scale], fill=ACCENT)
        draw.text(at(placed.x, placed.label_y - 4), ordinal(placed.point.position), fill=INK, font=small, anchor="mm")
        draw.text(at(placed.x, chart.year_y - 4), str(placed.point.year), fill=MUTED, font=small, anchor="mm")
    draw.text((12 * scale, (EMBED_HEIGHT - 22) * scale), source_line, fill=MUTED, font=small)
    buffer = io.BytesIO()
    # Fast compression: a 300-city import redraws 300 charts, and optimize=True costs ten times as long.
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
