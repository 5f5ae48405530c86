"""Rank-history charts, drawn on the server as inline SVG (templates/awards/includes/rank_chart.html).

Here is the geometry only: where each year's point, label and gridline sits. The markup is the template's.
"""

from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import ordinal

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
