"""
Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Without Chromium they are skipped with a printed reason, unless REQUIRE_BROWSER=1 (CI),
where a missing browser is an error rather than a silent pass.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from articles.roles import EDITORS

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

EDITOR_PASSWORD = "correct horse battery staple"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    reason = f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run browser tests"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {reason}")
    print(f"\nSkipping browser tests: {reason}")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_FLAGS}


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def editor(transactional_db):
    """A member of the Editors group who logs in with EDITOR_PASSWORD."""
    user = User.objects.create_user("editor", password=EDITOR_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user
