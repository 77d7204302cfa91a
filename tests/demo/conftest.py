from io import StringIO

import pytest
from django.core.management import call_command


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def make_run(db):
    """What `make run` does: the demo data, then the demo login; returns the login's lines."""
    run("seed_demo")
    return run("ensure_demo_login")
