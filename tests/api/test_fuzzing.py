"""Schemathesis against the generated OpenAPI document: generated filters, cursors and addresses, every answer
checked against the document (status, content type, body schema) and never a server error."""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from citynews.wsgi import application

document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
schema = schemathesis.openapi.from_dict(document)
schema.app = application


@pytest.fixture
def open_api(settings, facts):
    # A generated example is one request: the per-client limit must not turn the run into 429s.
    settings.API_RATE_LIMIT = 0
    # Requests go straight to the WSGI application, inside the test's transaction: like Django's test client,
    # keep the request signals from closing the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_every_operation_answers_as_documented(open_api, case):
    response = case.call()
    assert response.status_code < 500, response.text
    if response.status_code == 200:
        case.validate_response(response)
