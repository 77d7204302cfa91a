"""Schemathesis against the OpenAPI schema, in-process, for every operation.

Each operation gets schemathesis's three phases: examples from the schema, the
coverage phase (boundary and enum values, wrong types, missing fields, other
HTTP methods) and random fuzzing, each with valid and invalid data. Requests
go through the project's WSGI application, authenticated as a superuser so
that every operation is reachable; detail routes also get the ids of real
records. The responses must conform to the schema: no server error, every
status code, content type, header and body as documented.

FUZZ_EXAMPLES sets the random examples per operation (100 by default, as in
CI); generation is derandomized, so a run is repeatable.
"""

import datetime
import json
import os
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    missing_required_header,
    response_headers_conformance,
    unsupported_method,
)

from config.wsgi import application
from crm.accounts.services import api_token_create
from crm.notes.models import DealNote, Interaction
from crm.notes.services import deal_note_save, interaction_save
from tests import factories

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))

# Records of every resource exist with these ids. Far above the ids that
# records created during the run get, on either database.
RECORD_IDS = [900_001, 900_002, 900_003]

# Every check that judges a response against the schema. Not enabled:
# positive_data_acceptance and negative_data_rejection, which expect the
# schema alone to decide between 2xx and 4xx; here a schema-valid request is
# rightly refused for what no schema can say (an id of no record, a stale
# If-Match, a round of another company). ignored_auth re-sends every
# successful request without credentials and with wrong ones, tripling the
# run; tests/accounts shows every route refuses them. use_after_free, ensure_resource_availability and
# object_level_authorization need schemathesis's stateful runner.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
]


def load_schema():
    """The schema the API serves at /api/v1/schema/, built the same way.

    At import: schemathesis makes one test per operation as pytest collects
    them. (Its fixture-based loader, which could fetch the schema through
    the application, does not run on pytest 9.)
    """
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(
        json.loads(OpenApiJsonRenderer().render(document))
    )
    loaded.app = application
    loaded.config.generation.update(
        modes=list(GenerationMode),
        max_examples=EXAMPLES,
        deterministic=True,
        # No .hypothesis folder, and no replay of earlier failures: every
        # run is the same run.
        database="none",
    )
    return loaded


schema = load_schema()


@schema.hook("before_generate_path_parameters")
def existing_records_too(context, strategy):
    """Random ids: half of them name a record, so detail routes do more than 404."""
    if "{id}" not in context.operation.path:
        # e.g. an upsert's `{external_id}`: no record is named by number.
        return strategy
    return st.one_of(
        strategy, st.fixed_dictionaries({"id": st.sampled_from(RECORD_IDS)})
    )


@schema.hook("map_case")
def coverage_on_a_record(context, case):
    """Coverage cases get past the 404 and the 412 to the body they vary.

    Each coverage case varies one part of a request. Its other parts are
    filler that would stop it before the body is read: an id of no record
    (404) and an If-Match header of no version (412). Here a valid id names
    a record, and only cases about If-Match send one.
    """
    meta = case.meta
    if meta is None or meta.phase.name != TestPhase.COVERAGE:
        return case
    if "id" in (case.path_parameters or {}) and not meta.is_negative_at(
        ParameterLocation.PATH
    ):
        case.path_parameters["id"] = RECORD_IDS[0]
    if case.headers and meta.phase.data.parameter != "If-Match":
        case.headers.pop("If-Match", None)
    return case


@pytest.fixture
def authorization(db, settings, superuser):
    """Records to work on, and the Authorization header of a superuser's token."""
    # One token sends a few thousand requests a minute here.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "1000000/second"},
    }
    # Webhook URLs are checked without resolving generated host names
    # (no DNS lookups from tests); deliveries are never sent here.
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    create_records(superuser)
    _, secret = api_token_create(user=superuser, name="fuzz")
    # As Django's test client does: the request signals must not close the
    # connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {secret}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def create_records(user):
    # Rates from long ago, so that amounts in these currencies can be saved
    # whatever their date.
    for currency, rate in [("CNY", "0.14"), ("HKD", "0.13"), ("EUR", "1.08")]:
        factories.ExchangeRateFactory(
            currency=currency,
            usd_per_unit=Decimal(rate),
            valid_from=datetime.date(1900, 1, 1),
        )
    for pk in RECORD_IDS:
        sector = factories.SectorFactory(pk=pk)
        investor = factories.InvestorFactory(pk=pk, sectors=[sector])
        contact = factories.ContactFactory(pk=pk, investor=investor)
        company = factories.CompanyFactory(pk=pk, sector=sector)
        round_ = factories.FundingRoundFactory(pk=pk, company=company)
        factories.StakeFactory(pk=pk, investor=investor, company=company, round=round_)
        # Saved with a pk, these count as updates for the services, which
        # then keep the author given here.
        interaction_save(
            interaction=Interaction(
                pk=pk,
                investor=investor,
                round=round_,
                summary="First call",
                logged_by=user,
            ),
            contacts=[contact],
        )
        deal_note_save(note=DealNote(pk=pk, title="Terms", round=round_, author=user))


@schema.parametrize()
# Safe: each example runs in a transaction of its own, rolled back.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_schema(case, authorization):
    with transaction.atomic():
        case.call_and_validate(headers=authorization, checks=CHECKS)
        transaction.set_rollback(True)
