"""Rule profiles: data-driven, nested, complete."""

from __future__ import annotations

import pytest

from checks.profiles import DEFAULT_PROFILE, load_profiles, profile_ids, rules_for_profile
from checks.registry import ALL_RULES
from core.errors import UserError


def test_profiles_nest_baseline_in_enterprise_in_contact_centre() -> None:
    base, ent, cc = (profile_ids(n) for n in ("baseline", "enterprise", "contact-centre"))
    assert base < ent < cc


def test_the_widest_profile_is_every_rule_and_profiles_name_only_registered_rules() -> None:
    registered = {r.id for r in ALL_RULES}
    assert profile_ids(DEFAULT_PROFILE) == registered
    for profile in load_profiles().values():
        assert set(profile.rules) <= registered
        assert len(profile.rules) == len(set(profile.rules))


def test_selecting_a_profile_keeps_registry_order() -> None:
    rules = rules_for_profile("baseline")
    assert [r.id for r in rules] == [r.id for r in ALL_RULES if r in rules]
    assert "VQ201" in {r.id for r in rules} and "VQ504" not in {r.id for r in rules}


def test_unknown_profile_is_a_user_error_naming_the_known_ones() -> None:
    with pytest.raises(UserError, match=r"unknown rule profile 'call-center'.*baseline"):
        rules_for_profile("call-center")
