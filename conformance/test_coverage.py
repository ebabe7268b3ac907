"""Every API function of a finished area has a conformance test.

A test names the functions it checks with ``@pytest.mark.covers(...)`` (on the
function, its class or its module).  For each area in COMPLETE_AREAS, every
function must be named by at least one test of a conformance module.  Parity
modules (``test_*_parity.py``) do not count: comparing with the reference
driver specifies no behaviour.  An area joins
`novadb.conformance.areas.COMPLETE` once its tests exist.
"""
from __future__ import annotations

import importlib
import inspect
import pathlib
from typing import Any, Iterator

import pytest

import novadb.api
import novadb.conformance
from novadb.conformance.areas import AREAS, COMPLETE

COMPLETE_AREAS = {area: AREAS[area] for area in COMPLETE}


def _marks(obj: Any) -> list:
    marks = getattr(obj, "pytestmark", [])
    return marks if isinstance(marks, list) else [marks]


def _covers(obj: Any) -> Iterator[str]:
    for mark in _marks(obj):
        if mark.name == "covers":
            yield from mark.args


def conformance_modules() -> list[str]:
    """Names of the conformance test modules that count for coverage."""
    directory = pathlib.Path(novadb.conformance.__file__).parent
    return sorted(p.stem for p in directory.glob("test_*.py")
                  if not p.stem.endswith("_parity"))




def covered_functions() -> dict[str, set[str]]:
    """{API function: tests (module::name) marked as covering it}."""
    found: dict[str, set[str]] = {}
    for name in conformance_modules():
        module = importlib.import_module(f"novadb.conformance.{name}")
        module_marks = set(_covers(module))
        for attr, obj in vars(module).items():
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            tests: list[tuple[str, set[str]]] = []
            if inspect.isfunction(obj) and attr.startswith("test"):
                tests.append((attr, set(_covers(obj))))
            elif inspect.isclass(obj) and attr.startswith("Test"):
                class_marks = set(_covers(obj))
                for method_name, method in vars(obj).items():
                    if inspect.isfunction(method) and method_name.startswith("test"):
                        tests.append((f"{attr}.{method_name}",
                                      class_marks | set(_covers(method))))
            for test_name, functions in tests:
                for function in functions | module_marks:
                    found.setdefault(function, set()).add(f"{name}::{test_name}")
    return found


def test_complete_areas_name_real_api_functions():
    api = set(novadb.api.__all__)
    for area, functions in COMPLETE_AREAS.items():
        assert len(functions) == len(set(functions)), f"{area} lists a function twice"
        assert set(functions) <= api, f"{area}: not API functions: {set(functions) - api}"


def test_covers_marks_name_real_api_functions():
    unknown = set(covered_functions()) - set(novadb.api.__all__)
    assert not unknown, f"covers(...) names functions the API does not have: {unknown}"


@pytest.mark.parametrize("area", sorted(COMPLETE_AREAS))
def test_every_function_of_a_complete_area_has_a_test(area):
    covered = covered_functions()
    missing = [f for f in COMPLETE_AREAS[area] if f not in covered]
    assert not missing, f"{area}: no conformance test covers {missing}"
