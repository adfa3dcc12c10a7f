"""Spotting a group that may already be registered: same numbers, or a near-identical name."""

import re
from collections import Counter
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
    letters = Counter(key)
    numbers = _numbers(candidate)
    matches = []
    for other in pool:
        if other["pk"] == candidate.get("pk"):
            continue
        same_number = bool(numbers & _numbers(other))
        if same_number or (key and _similar(key, letters, other)):
            matches.append(other["pk"])
    return matches


def _similar(key, letters, other):
    """Whether `other`'s name is near-identical to `key` (SequenceMatcher's ratio, in that order)."""
    other_key = other["name_key"] if "name_key" in other else name_key(other["name"])
    if key == other_key:
        return True
    # ratio() is slow, and a county has thousands of groups to compare with. These are the upper
    # bounds difflib's real_quick_ratio() and quick_ratio() compute, worked out without building
    # a matcher: a pair below either cannot reach the threshold, so the answer is unchanged.
    total = len(key) + len(other_key)
    if 2.0 * min(len(key), len(other_key)) / total < NAME_SIMILARITY:
        return False
    other_letters = other.get("name_letters")
    if other_letters is None:
        # Kept on the pool's entry, for the next candidate checked against the same pool.
        other_letters = other["name_letters"] = Counter(other_key)
    if 2.0 * (letters & other_letters).total() / total < NAME_SIMILARITY:
        return False
    return SequenceMatcher(None, key, other_key).ratio() >= NAME_SIMILARITY


def duplicate_pool():
    """Every organisation's name and numbers, loaded once to check many candidates against."""
    pool = list(
        Organisation.objects.values("pk", "name", "charity_number", "company_number", "society_number")
    )
    for entry in pool:
        # Worked out once here rather than once per candidate (the moderation queue has many).
        entry["name_key"] = name_key(entry["name"])
    return pool
