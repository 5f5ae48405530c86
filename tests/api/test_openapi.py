"""The OpenAPI document is valid, and every endpoint it documents answers as it says, with real data."""

import pytest
import yaml
from openapi_schema_validator import OAS31Validator, validate
from openapi_spec_validator import validate as validate_spec

from tests.conftest import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def inline_refs(node, components):
    """The schema with every $ref replaced by what it names (ours are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return inline_refs(components[node["$ref"].rsplit("/", 1)[-1]], components)
        return {key: inline_refs(value, components) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_refs(item, components) for item in node]
    return node


def test_the_document_is_valid_openapi(schema):
    validate_spec(schema)
    assert schema["openapi"].startswith("3.")
    documented = set(schema["paths"])
    assert {
        "/api/v1/stories/",
        "/api/v1/stories/{id}/",
        "/api/v1/cities/{slug}/",
        "/api/v1/ranking-entries/",
    } <= documented
    # Read-only: nothing but GET is documented.
    assert {method for path in schema["paths"].values() for method in path} == {"get"}


def test_every_documented_endpoint_answers_as_documented(client, schema, facts):
    path_values = {
        "/api/v1/cities/{slug}/": "shenzhen",
        "/api/v1/programmes/{slug}/": "scewc",
        "/api/v1/stories/{id}/": facts["live"].pk,
        "/api/v1/editions/{id}/": facts["edition"].pk,
        "/api/v1/categories/{id}/": facts["award"].category_id,
        "/api/v1/recognitions/{id}/": facts["award"].pk,
        "/api/v1/rankings/{id}/": facts["ranking"].pk,
        "/api/v1/ranking-entries/{id}/": facts["rank"].pk,
    }
    components = schema["components"]["schemas"]
    checked = 0
    for path, operations in schema["paths"].items():
        url = path.replace("{slug}", "{}").replace("{id}", "{}").format(path_values.get(path, ""))
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        body_schema = operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        body = response.json()
        validate(body, inline_refs(body_schema, components), cls=OAS31Validator)
        if "results" in body:
            assert body["results"], f"{url} documents a list but the test data left it empty"
        checked += 1
    assert checked == len(schema["paths"]) >= 16


def test_browsable_documentation_is_served_from_our_origin(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = parse(response)
    sources = [script["src"] for script in page.select("script[src]")] + [
        link["href"] for link in page.select("link[href]")
    ]
    assert sources and all(src.startswith("/") for src in sources), sources
    assert not page.select("script:not([src])")
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    script = client.get(next(src for src in sources if "script" in src or src.startswith("/api/")))
    assert script.status_code == 200


def test_every_documented_filter_may_vary_a_cached_answer(schema, settings):
    # A parameter missing from PAGE_CACHE_QUERY_PARAMS would send every filtered request past the page cache.
    documented = {
        parameter["name"]
        for path in schema["paths"].values()
        for parameter in path["get"].get("parameters", [])
        if parameter["in"] == "query"
    }
    assert {"recognition", "ranking_entry", "cursor"} <= documented
    assert documented <= settings.PAGE_CACHE_QUERY_PARAMS["/api/"]
