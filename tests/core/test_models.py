import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from crm.core.models import ExchangeRate, Sector
from crm.core.services import record_save
from tests.factories import ExchangeRateFactory, SectorFactory

pytestmark = pytest.mark.django_db


# Sector


def test_it_rejects_a_sector_name_that_differs_only_in_case():
    SectorFactory(name="Computer vision", slug="computer-vision")

    with pytest.raises(ValidationError) as error:
        record_save(instance=Sector(name="COMPUTER VISION", slug="cv"))

    assert error.value.message_dict == {
        "name": ["A sector with this name already exists."]
    }
    assert Sector.objects.count() == 1


def test_the_database_refuses_a_sector_name_that_differs_only_in_case():
    SectorFactory(name="Computer vision", slug="computer-vision")

    with pytest.raises(IntegrityError), transaction.atomic():
        Sector.objects.bulk_create([Sector(name="computer Vision", slug="cv")])


def test_it_rejects_a_sector_slug_already_in_use():
    SectorFactory(name="Computer vision", slug="computer-vision")

    with pytest.raises(ValidationError) as error:
        record_save(instance=Sector(name="Vision", slug="computer-vision"))

    assert error.value.message_dict == {
        "slug": ["Sector with this Slug already exists."]
    }
    assert Sector.objects.count() == 1


def test_the_database_refuses_a_sector_slug_already_in_use():
    SectorFactory(name="Computer vision", slug="computer-vision")

    with pytest.raises(IntegrityError), transaction.atomic():
        Sector.objects.bulk_create([Sector(name="Vision", slug="computer-vision")])


def test_it_rejects_a_sector_as_its_own_parent():
    sector = SectorFactory(name="Fintech", slug="fintech")
    sector.parent = sector

    with pytest.raises(ValidationError) as error:
        record_save(instance=sector)

    assert error.value.message_dict == {
        "parent": ["A sector cannot sit below itself or one of its sub-sectors."]
    }
    sector.refresh_from_db()
    assert sector.parent is None


def test_the_database_refuses_a_sector_as_its_own_parent():
    sector = SectorFactory(name="Fintech", slug="fintech")

    with pytest.raises(IntegrityError), transaction.atomic():
        Sector.objects.filter(pk=sector.pk).update(parent=F("id"))


def test_it_rejects_moving_a_sector_below_its_own_grandchild(sector_tree, faces):
    ai, _vision, _fintech = sector_tree
    ai.parent = faces

    with pytest.raises(ValidationError) as error:
        record_save(instance=ai)

    assert error.value.message_dict == {
        "parent": ["A sector cannot sit below itself or one of its sub-sectors."]
    }
    ai.refresh_from_db()
    assert ai.parent is None


def test_it_moves_a_sector_below_a_sector_outside_its_branch(sector_tree, faces):
    _ai, vision, fintech = sector_tree
    vision.parent = fintech

    record_save(instance=vision)

    vision.refresh_from_db()
    assert vision.parent == fintech


def subtree(roots):
    return {row["pk"] for row in Sector.objects.subtree(roots)}


def test_subtree_includes_children_and_grandchildren(sector_tree, faces):
    ai, vision, _fintech = sector_tree

    assert subtree([ai]) == {ai.pk, vision.pk, faces.pk}


def test_subtree_of_a_leaf_is_the_leaf_itself(faces):
    assert subtree([faces.pk]) == {faces.pk}


def test_subtree_merges_several_roots(sector_tree, faces):
    _ai, vision, fintech = sector_tree

    assert subtree([vision, fintech]) == {
        vision.pk,
        faces.pk,
        fintech.pk,
    }


# ExchangeRate


def test_it_rejects_a_second_rate_for_the_same_currency_and_day():
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.15"),
        valid_from=datetime.date(2018, 1, 1),
    )

    with pytest.raises(ValidationError) as error:
        record_save(
            instance=ExchangeRate(
                currency="CNY",
                usd_per_unit=Decimal("0.16"),
                valid_from=datetime.date(2018, 1, 1),
            )
        )

    assert error.value.message_dict == {
        "__all__": ["There is already a rate for this currency from this day."]
    }
    assert ExchangeRate.objects.get().usd_per_unit == Decimal("0.15")


def test_it_accepts_rates_for_the_same_day_in_different_currencies():
    ExchangeRateFactory(currency="CNY", valid_from=datetime.date(2018, 1, 1))

    ExchangeRateFactory(
        currency="HKD",
        usd_per_unit=Decimal("0.1274"),
        valid_from=datetime.date(2018, 1, 1),
    )

    assert ExchangeRate.objects.count() == 2


def test_the_database_refuses_a_second_rate_for_the_same_currency_and_day():
    ExchangeRateFactory(currency="CNY", valid_from=datetime.date(2018, 1, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.bulk_create(
            [
                ExchangeRate(
                    currency="CNY",
                    usd_per_unit=Decimal("0.16"),
                    valid_from=datetime.date(2018, 1, 1),
                )
            ]
        )


@pytest.mark.parametrize("rate", [Decimal("0"), Decimal("-0.15")])
def test_it_rejects_a_rate_that_is_not_above_zero(rate):
    with pytest.raises(ValidationError) as error:
        record_save(
            instance=ExchangeRate(
                currency="CNY", usd_per_unit=rate, valid_from=datetime.date(2018, 1, 1)
            )
        )

    assert error.value.message_dict == {
        "usd_per_unit": ["A rate must be greater than zero."]
    }
    assert not ExchangeRate.objects.exists()


def test_the_database_refuses_a_rate_of_zero():
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.bulk_create(
            [
                ExchangeRate(
                    currency="CNY",
                    usd_per_unit=Decimal("0"),
                    valid_from=datetime.date(2018, 1, 1),
                )
            ]
        )


def test_it_rejects_a_usd_rate_other_than_one():
    with pytest.raises(ValidationError) as error:
        record_save(
            instance=ExchangeRate(
                currency="USD",
                usd_per_unit=Decimal("1.01"),
                valid_from=datetime.date(2018, 1, 1),
            )
        )

    assert error.value.message_dict == {
        "usd_per_unit": ["One US dollar is always worth 1 USD."]
    }
    assert not ExchangeRate.objects.exists()


def test_it_accepts_a_usd_rate_of_one():
    record_save(
        instance=ExchangeRate(
            currency="USD",
            usd_per_unit=Decimal("1"),
            valid_from=datetime.date(2018, 1, 1),
        )
    )

    assert ExchangeRate.objects.get().usd_per_unit == Decimal("1")


def test_the_database_refuses_a_usd_rate_other_than_one():
    rate = ExchangeRateFactory(
        currency="USD", usd_per_unit=Decimal("1"), valid_from=datetime.date(2018, 1, 1)
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.filter(pk=rate.pk).update(usd_per_unit=Decimal("0.99"))


def test_it_rejects_a_currency_that_is_not_an_iso_4217_code():
    with pytest.raises(ValidationError) as error:
        record_save(
            instance=ExchangeRate(
                currency="cny",
                usd_per_unit=Decimal("0.15"),
                valid_from=datetime.date(2018, 1, 1),
            )
        )

    assert error.value.message_dict == {
        "currency": ["Value 'cny' is not a valid choice."]
    }
    assert not ExchangeRate.objects.exists()


def test_the_currency_shape_constraint_reports_on_the_currency_field():
    # Field validation reports a bad code first, so call the constraint on
    # its own to see that its message names the field.
    rate = ExchangeRate(
        currency="us",
        usd_per_unit=Decimal("0.15"),
        valid_from=datetime.date(2018, 1, 1),
    )

    with pytest.raises(ValidationError) as error:
        rate.validate_constraints()

    assert error.value.message_dict == {
        "currency": ["Use a three-letter ISO 4217 code, e.g. USD."]
    }


@pytest.mark.parametrize("currency", ["cny", "CN"])
def test_the_database_refuses_a_currency_that_is_not_three_capitals(currency):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.bulk_create(
            [
                ExchangeRate(
                    currency=currency,
                    usd_per_unit=Decimal("0.15"),
                    valid_from=datetime.date(2018, 1, 1),
                )
            ]
        )


@pytest.fixture
def four_levels(sector_tree, faces):
    """ai > vision > faces > "Face liveness": as deep as sectors go."""
    ai, vision, fintech = sector_tree
    liveness = SectorFactory(name="Face liveness", slug="face-liveness", parent=faces)
    return ai, vision, faces, liveness, fintech


def test_subtree_finds_every_level_below_its_roots_by_slug_or_id(four_levels):
    ai, vision, faces, liveness, fintech = four_levels

    assert subtree(["artificial-intelligence"]) == {
        ai.pk,
        vision.pk,
        faces.pk,
        liveness.pk,
    }
    assert subtree([vision.pk, fintech]) == {
        vision.pk,
        faces.pk,
        liveness.pk,
        fintech.pk,
    }
    assert subtree(["no-such-sector"]) == set()
    assert subtree([liveness]) == {liveness.pk}


def test_it_refuses_a_fifth_level_of_sectors(four_levels):
    *_, liveness, _fintech = four_levels

    with pytest.raises(ValidationError) as error:
        record_save(
            instance=Sector(name="Anti-spoofing", slug="anti-spoofing", parent=liveness)
        )

    assert error.value.message_dict == {
        "parent": ["Sectors nest at most 4 levels deep; choose a broader parent."]
    }


def test_it_refuses_to_move_a_branch_where_its_leaves_would_sit_too_deep(four_levels):
    _ai, vision, *_, fintech = four_levels
    # vision's branch is three levels (vision > faces > liveness); below
    # fintech its leaf would sit fifth.
    fintech.parent = SectorFactory(name="Financial services", slug="financial-services")
    record_save(instance=fintech)
    vision.parent = fintech

    with pytest.raises(ValidationError) as error:
        record_save(instance=vision)

    assert list(error.value.message_dict) == ["parent"]
    vision.refresh_from_db()
    assert vision.parent.slug == "artificial-intelligence"
