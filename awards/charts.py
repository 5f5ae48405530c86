"""Rank-history charts drawn on the server as inline SVG: no JavaScript, readable by screen readers."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

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


def axis_positions(field_size, most=6):
    """Positions to mark on the axis: 1st, the field's last place, and round steps between (5, 10, 20...)."""
    step = next((step for step in (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000) if field_size / step <= most), 1000)
    between = range(step, field_size, step)
    # A round mark right next to the last place would print on top of it.
    return sorted({1, field_size, *(p for p in between if field_size - p >= step / 2 and p > 1)})


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
            for position in axis_positions(field_size)
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
