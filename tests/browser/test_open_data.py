"""Open data in a real browser: another site embeds a chart and reads the API; the API's docs work under our CSP."""

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.awards.factories import make_city, make_entry, make_ranking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def other_newsroom(html):
    """Another site on this machine: a loopback server of its own, so a different origin from ours."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_another_site_embeds_a_chart_and_reads_the_api_but_cannot_frame_pages(live_server, page):
    city = make_city(name="Shenzhen", slug="shenzhen")
    for year, position in [(2020, 2), (2021, 1)]:
        make_entry(make_ranking(slug="online-services", year=year), city=city, position=position)
    embed = f"{live_server.url}/embed/cities/shenzhen/rankings/online-services"
    other_page = f"""<!doctype html><title>Other</title>
        <img id="svg" src="{embed}.svg" alt="chart"><img id="png" src="{embed}.png" alt="chart">
        <iframe id="framed-chart" src="{embed}.svg"></iframe>
        <iframe id="framed-page" src="{live_server.url}/cities/shenzhen/"></iframe>"""
    with other_newsroom(other_page) as other_site:
        page.goto(other_site)
        page.wait_for_load_state("load")
    sizes = page.evaluate("[...document.images].map(img => [img.id, img.naturalWidth])")
    # The PNG was drawn when the entries were saved (this test commits, as an editor's save does).
    assert sizes == [["svg", 480], ["png", 960]]
    frames = {frame.name or frame.url: frame.url for frame in page.frames[1:]}
    assert f"{embed}.svg" in frames.values()
    assert f"{live_server.url}/cities/shenzhen/" not in frames.values()  # refused: frame-ancestors 'none'

    api = f"{live_server.url}/api/v1/cities/shenzhen/"
    read = page.evaluate("url => fetch(url).then(r => r.json()).then(city => city.name)", api)
    assert read == "Shenzhen"
    written = page.evaluate("url => fetch(url, {method: 'DELETE'}).then(r => 'sent ' + r.status, e => 'refused')", api)
    assert written == "refused"  # the preflight allows GET and HEAD only


def test_api_documentation_works_under_our_content_security_policy(live_server, page):
    make_city(name="Shenzhen", slug="shenzhen")
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.get_by_text("/api/v1/cities/{slug}/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_placeholder("slug").fill("shenzhen")
    page.get_by_role("button", name="Execute").click()
    page.locator(".response .highlight-code").first.wait_for()
    assert "Shenzhen" in page.locator(".live-responses-table").inner_text()
    assert violations == []
