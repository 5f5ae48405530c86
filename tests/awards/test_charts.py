"""The rank-history SVG: valid XML, an accessible name, one point per year, first place on top."""

import xml.etree.ElementTree as ET

from django.template import engines

from awards.charts import RankPoint, rank_chart

SVG = "{http://www.w3.org/2000/svg}"


def rank_history_svg(chart_id, title, points):
    """The chart as the city page draws it: awards/charts.py places the points, the template draws them."""
    source = '{% from "awards/includes/rank_chart.html" import rank_chart_svg %}{{ rank_chart_svg(chart) }}'
    return engines["jinja2"].from_string(source).render({"chart": rank_chart(chart_id, title, points)})


def test_chart_is_valid_xml_with_a_point_per_year_and_a_name():
    points = [RankPoint(2021, 7, 32), RankPoint(2019, 1, 32), RankPoint(2020, 32, 32)]
    chart = ET.fromstring(str(rank_history_svg("c1", "Rank of <A & B's> city", points)))
    assert chart.tag == f"{SVG}svg" and chart.get("role") == "img"
    assert chart.get("aria-labelledby") == "c1-title c1-desc"
    assert chart.find(f"{SVG}title").text == "Rank of <A & B's> city"
    assert "2019: 1st of 32; 2020: 32nd of 32; 2021: 7th of 32" in chart.find(f"{SVG}desc").text
    circles = chart.findall(f".//{SVG}circle")
    assert [c.find(f"{SVG}title").text for c in circles] == ["2019: 1st of 32", "2020: 32nd of 32", "2021: 7th of 32"]
    heights = [float(c.get("cy")) for c in circles]
    assert heights[0] < heights[2] < heights[1]  # 1st at the top, 32nd at the bottom
    assert [float(c.get("cx")) for c in circles] == sorted(float(c.get("cx")) for c in circles)


def test_single_year_chart_has_one_centred_point():
    chart = ET.fromstring(str(rank_history_svg("c2", "One year", [RankPoint(2020, 1, 1)])))
    (circle,) = chart.findall(f".//{SVG}circle")
    assert float(circle.get("cx")) == 256.0
