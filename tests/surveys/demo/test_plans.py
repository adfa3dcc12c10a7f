"""Planning the demo council: pure and seeded, so these tests run without a database.

pytest-django refuses any query from a test not marked for the database, so each test here
also checks that planning never touches one.
"""

import hashlib

from django.utils.text import slugify

from services.models import ServiceArea
from surveys.demo import data
from surveys.demo.plans import organisation_plans, resident_plan
from surveys.demo.shape import DEFAULT_SHAPE, MAX_SERVICE_COUNT, CouncilShape

# What the generator planned before it could grow; a change here changes every demo council.
ASHWICK_PLAN_DIGEST = "e559578ad1a91fb5c571a1e41278d9b4fb27a0e30424b1fd2c4bec1782af6cad"


def _plan_digest():
    digest = hashlib.sha256()
    for plan in organisation_plans(scale=1):
        interests = [
            (i.survey_slug, i.service_slug, sorted(i.values.items()), sorted((i.assessment or {}).items()))
            for i in plan.interests
        ]
        digest.update(repr((plan.values["slug"], plan.values["status"], plan.ward_codes, interests)).encode())
    for number in range(200):
        digest.update(repr(resident_plan(number, DEFAULT_SHAPE)).encode())
    return digest.hexdigest()


def test_the_default_council_is_planned_exactly_as_before():
    assert _plan_digest() == ASHWICK_PLAN_DIGEST


def test_a_county_is_planned_without_a_database():
    shape = CouncilShape(wards=45, services=80, capacity_rounds=4)
    plans = organisation_plans(scale=1, shape=shape)
    assert len(plans) == 250
    assert {i.survey_slug for plan in plans for i in plan.interests} >= {"capacity-2023", "capacity-2026"}
    assert resident_plan(0, shape) == resident_plan(0, shape)


def test_a_shape_lists_its_services_in_category_order():
    shape = CouncilShape(services=62)
    assert shape.service_slugs[:5] == DEFAULT_SHAPE.service_slugs[:5]
    assert "short-breaks-for-disabled-children" in shape.service_slugs[:6]
    assert "reablement" in shape.service_slugs[6:12]
    assert len(shape.open_services) == len(DEFAULT_SHAPE.open_services) + 2


def test_the_services_table_holds_valid_distinct_services():
    rows = [
        row
        for _name, _description, rows in CouncilShape(services=MAX_SERVICE_COUNT).categories
        for row in rows
    ]
    assert len(rows) == MAX_SERVICE_COUNT == 156
    assert len({slugify(row.name) for row in rows}) == len(rows)
    codes = [row.lgsl_code for row in rows if row.lgsl_code is not None]
    assert len(codes) == len(set(codes)) == 6
    assert {row.risk_tier for row in rows} <= set(ServiceArea.RiskTier.values)
    assert {row.current_delivery for row in rows} <= set(ServiceArea.DeliveryModel.values)
    assert all(row.lgsl_code is None for rows in data.EXTRA_SERVICES.values() for row in rows)


def test_the_affinity_table_covers_every_type_of_group_and_names_only_real_categories():
    assert list(data.CATEGORY_AFFINITY) == list(data.ORGANISATION_TYPE_MIX)
    for weights in data.CATEGORY_AFFINITY.values():
        assert set(weights) <= set(data.CATEGORY_DESCRIPTIONS) and all(w > 0 for w in weights.values())
