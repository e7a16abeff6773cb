"""Cache entries outdated by generations: several read in one round trip."""

import pytest
from django.core.cache import cache

from core import generations


def counter():
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    return build, calls


@pytest.mark.django_db
def test_entries_are_built_once_until_their_generation_changes():
    build_a, built_a = counter()
    build_b, built_b = counter()
    cache.set("flag", "set")

    def read():
        return generations.cached_many(
            {"a": ("gen-a", build_a, 60), "b": ("gen-b", build_b, 60)},
            plain=("flag", "missing"),
        )

    assert read() == {"a": 1, "b": 1, "flag": "set", "missing": None}
    assert read() == {"a": 1, "b": 1, "flag": "set", "missing": None}
    generations.bump("gen-b")
    assert read()["b"] == 2
    assert (len(built_a), len(built_b)) == (1, 2)


def test_a_build_that_raises_stops_the_rest():
    build, built = counter()

    def refuse():
        raise LookupError

    with pytest.raises(LookupError):
        generations.cached_many({"x": ("gen", refuse, 60), "y": ("gen", build, 60)})
    assert not built


def test_without_a_shared_cache_entries_are_built_each_time(settings):
    settings.SHARED_CACHE = False
    build, built = counter()
    cache.set("flag", "set")
    for _ in range(2):
        found = generations.cached_many({"a": ("gen", build, 60)}, plain=("flag",))
        assert found["flag"] == "set"
    assert len(built) == 2
