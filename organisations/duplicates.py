"""Spotting a group that may already be registered: same numbers, or a near-identical name."""

import re
from difflib import SequenceMatcher

from .models import Organisation

NAME_SIMILARITY = 0.9
FILLER_WORDS = {"the", "ltd", "limited", "cic", "cio", "group", "association", "and", "of"}


def name_key(name):
    """A name reduced to what tells groups apart: no case, punctuation or filler words."""
    words = re.findall(r"[a-z0-9]+", (name or "").lower().replace("&", " and "))
    return " ".join(word for word in words if word not in FILLER_WORDS)


def _numbers(values):
    return {
        (kind, values.get(field))
        for kind, field in (
            ("charity", "charity_number"),
            ("company", "company_number"),
            ("society", "society_number"),
        )
        if values.get(field)
    }


def likely_duplicates(candidate, pool):
    """The records in `pool` that share a registration number or a near-identical name."""
    key = name_key(candidate["name"])
    numbers = _numbers(candidate)
    matches = []
    for other in pool:
        if other["pk"] == candidate.get("pk"):
            continue
        same_number = bool(numbers & _numbers(other))
        other_key = name_key(other["name"])
        similar = bool(key) and (
            key == other_key or SequenceMatcher(None, key, other_key).ratio() >= NAME_SIMILARITY
        )
        if same_number or similar:
            matches.append(other["pk"])
    return matches


def duplicate_pool():
    """Every organisation's name and numbers, loaded once to check many candidates against."""
    return list(
        Organisation.objects.values("pk", "name", "charity_number", "company_number", "society_number")
    )
