"""Every API function of a finished area has a conformance test.

A test names the functions it checks with ``@pytest.mark.covers(...)`` (on the
function, its class or its module).  For each area in COMPLETE_AREAS, every
function must be named by at least one test of a conformance module.  Parity
modules (``test_*_parity.py``) do not count: comparing with the reference
driver specifies no behaviour.  Add an area's list here once its tests exist.
"""
from __future__ import annotations

import importlib
import inspect
import pathlib
from typing import Any, Iterator

import pytest

import novadb.api
import novadb.conformance

COMPLETE_AREAS: dict[str, list[str]] = {
    "hosts": [
        "agent_build_create", "agent_build_destroy", "agent_build_get_all",
        "agent_build_get_by_triple", "agent_build_update",
        "aggregate_create", "aggregate_delete", "aggregate_get", "aggregate_get_all",
        "aggregate_get_by_host", "aggregate_host_add", "aggregate_host_delete",
        "aggregate_host_get_all", "aggregate_metadata_add", "aggregate_metadata_delete",
        "aggregate_metadata_get", "aggregate_metadata_get_by_host", "aggregate_update",
        "compute_node_create", "compute_node_get", "compute_node_get_all",
        "compute_node_get_by_host", "compute_node_search_by_hypervisor",
        "compute_node_statistics", "compute_node_update",
        "service_create", "service_destroy", "service_get", "service_get_all",
        "service_get_all_by_host", "service_get_all_by_topic",
        "service_get_all_compute_by_host", "service_get_all_compute_sorted",
        "service_get_all_volume_sorted", "service_get_by_args",
        "service_get_by_host_and_topic", "service_update",
        "task_log_begin_task", "task_log_end_task", "task_log_get", "task_log_get_all",
    ],
    "instances": [
        "instance_create", "instance_destroy", "instance_fault_create",
        "instance_fault_get_by_instance_uuids", "instance_get",
        "instance_get_active_by_window", "instance_get_active_by_window_joined",
        "instance_get_all", "instance_get_all_by_filters", "instance_get_all_by_host",
        "instance_get_all_by_host_and_not_type", "instance_get_all_by_project",
        "instance_get_all_by_reservation", "instance_get_all_hung_in_rebooting",
        "instance_get_by_uuid", "instance_info_cache_create", "instance_info_cache_delete",
        "instance_info_cache_get", "instance_info_cache_update", "instance_metadata_delete",
        "instance_metadata_get", "instance_metadata_update",
        "instance_system_metadata_delete", "instance_system_metadata_get",
        "instance_system_metadata_update", "instance_test_and_set", "instance_update",
        "instance_update_and_get_original",
    ],
    "flavors": [
        "instance_type_access_add", "instance_type_access_get_by_flavor_id",
        "instance_type_access_remove", "instance_type_create", "instance_type_destroy",
        "instance_type_extra_specs_delete", "instance_type_extra_specs_get",
        "instance_type_extra_specs_update_or_create", "instance_type_get",
        "instance_type_get_all", "instance_type_get_by_flavor_id", "instance_type_get_by_name",
    ],
    "core": ["constraint", "equal_any", "not_equal"],
}


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
