"""The models and the migrations agree: a deploy's `migrate` builds exactly the schema the code expects."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    # --check exits with an error when makemigrations would write anything.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
