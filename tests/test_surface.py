"""The public surface: novadb's 298 functions, their guards, and the Driver interface.

The seed list is tests/data/seed_api.json, a copy of the spec's.
"""
import inspect
import json
import ast
import pathlib
import typing

import pytest

import novadb
from novadb import api, policy
from novadb.driver import Driver

HELPERS = ("constraint", "equal_any", "not_equal")
GUARDS = {policy.ADMIN_ONLY, policy.ANY_CONTEXT, policy.NO_CONTEXT_CHECK}

_SEED = pathlib.Path(__file__).resolve().parent / "data" / "seed_api.json"
SEED = json.loads(_SEED.read_text())["functions"]
SEED_NAMES = [fn["name"] for fn in SEED]
DATA_NAMES = [name for name in api.__all__ if name not in HELPERS]


def _params(func, skip_self=False):
    params = list(inspect.signature(func).parameters.values())
    return params[1:] if skip_self else params


def test_seed_names_are_exported():
    assert len(SEED_NAMES) == 298
    assert sorted(api.__all__) == sorted(SEED_NAMES)
    assert set(SEED_NAMES) <= set(novadb.__all__)
    assert "configure" in novadb.__all__
    for name in SEED_NAMES:
        assert callable(getattr(novadb, name)), name


@pytest.mark.parametrize("name", [n for n in SEED_NAMES if n not in HELPERS])
def test_driver_method_matches_api_signature(name):
    method = getattr(Driver, name)
    assert getattr(method, "__isabstractmethod__", False), name
    assert _params(method, skip_self=True) == _params(getattr(novadb, name))
    assert (inspect.signature(method).return_annotation
            == inspect.signature(getattr(novadb, name)).return_annotation)


def _assert_fully_annotated(func, skip_self=False):
    sig = inspect.signature(func)
    assert sig.return_annotation is not inspect.Signature.empty, func
    for param in _params(func, skip_self):
        assert param.annotation is not inspect.Parameter.empty, (func, param.name)
    typing.get_type_hints(func)  # every annotation names something importable


def test_public_surface_is_annotated_and_its_hints_resolve():
    for name in api.__all__:
        _assert_fully_annotated(getattr(api, name))
    for name in DATA_NAMES:
        assert _params(getattr(api, name))[0].annotation == "RequestContext", name
    for name in DATA_NAMES + ["db_sync", "db_version"]:
        _assert_fully_annotated(getattr(Driver, name), skip_self=True)


@pytest.mark.parametrize("name", DATA_NAMES)
def test_api_function_has_guard_and_driver_method(name):
    func = getattr(api, name)
    assert getattr(func, "guard", None) in GUARDS, name
    assert _params(getattr(Driver, name), skip_self=True) == _params(func)


def test_driver_has_no_other_abstract_methods():
    assert set(Driver.__abstractmethods__) == set(DATA_NAMES) | {"db_sync", "db_version"}
    assert len(DATA_NAMES) == 295


def test_helpers_are_unguarded_and_driverless():
    for name in HELPERS:
        assert not hasattr(getattr(api, name), "guard"), name
        assert not hasattr(Driver, name), name


def test_helpers_build_constraint_objects():
    from novadb.constraints import Constraint, EqualityCondition, InequalityCondition

    eq = novadb.equal_any("a", None)
    ne = novadb.not_equal("b")
    assert isinstance(eq, EqualityCondition) and eq.values == ("a", None)
    assert isinstance(ne, InequalityCondition) and ne.values == ("b",)
    cons = novadb.constraint(host=eq, vm_state=ne)
    assert isinstance(cons, Constraint)
    assert cons.conditions == {"host": eq, "vm_state": ne}


def test_calls_reach_the_driver_with_every_argument():
    from novadb import loader
    from novadb.context import get_admin_context

    calls = []

    class Recorder:
        def __getattr__(self, name):
            return lambda *args, **kwargs: calls.append((name, args, kwargs)) or name

    loader._driver, saved = Recorder(), loader._driver
    try:
        ctxt = get_admin_context()
        assert novadb.task_log_get(ctxt, "t", "b", "e", "h") == "task_log_get"
        assert novadb.aggregate_create(ctxt, {"name": "a"}) == "aggregate_create"
    finally:
        loader._driver = saved
    assert calls == [("task_log_get", (ctxt, "t", "b", "e", "h", None, None), {}),
                     ("aggregate_create", (ctxt, {"name": "a"}, None), {})]


def _seed_params(text):
    """(name, kind, default) of a seed parameter list such as "context, key=None"."""
    args = ast.parse(f"def f({text}): pass").body[0].args
    positional = args.args
    defaults = [inspect.Parameter.empty] * (len(positional) - len(args.defaults)) + [
        ast.literal_eval(d) for d in args.defaults]
    out = [(a.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, d)
           for a, d in zip(positional, defaults)]
    if args.vararg:
        out.append((args.vararg.arg, inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.empty))
    if args.kwarg:
        out.append((args.kwarg.arg, inspect.Parameter.VAR_KEYWORD, inspect.Parameter.empty))
    return out


@pytest.mark.parametrize("fn", SEED, ids=[fn["name"] for fn in SEED])
def test_api_signature_is_the_seeds(fn):
    ours = [(p.name, p.kind, p.default)
            for p in inspect.signature(getattr(novadb, fn["name"])).parameters.values()]
    assert ours == _seed_params(fn["params"])


def test_conformance_areas_are_the_seeds():
    from novadb.conformance.areas import AREAS, COMPLETE
    by_area = {}
    for fn in SEED:
        by_area.setdefault(fn["area"], []).append(fn["name"])
    assert {area: list(names) for area, names in AREAS.items()} == by_area
    assert set(COMPLETE) <= set(AREAS)
