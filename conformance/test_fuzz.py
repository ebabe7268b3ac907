"""Fuzzing every implemented write function (`novadb.conformance.fuzz`): whatever the
arguments, a call returns or raises a novadb error its contract allows, and a call
that raises leaves every row of the store as it was.

``--novadb-fuzz`` raises the number of examples per function from
`fuzz.DEFAULT_EXAMPLES` to `fuzz.FULL_EXAMPLES`.
"""
from __future__ import annotations

import pytest

from novadb import exception
from novadb.conformance import fuzz
from novadb.conformance import helpers as h
from novadb.schema import MODELS


def test_every_write_function_of_a_complete_area_declares_its_argument_shapes():
    missing = fuzz.undeclared_writes()
    assert not missing, (f"write functions with no argument shapes (the FUZZ_SHAPES of "
                         f"their area's module of novadb.conformance.builders): {missing}")


def test_argument_shapes_name_write_functions_their_parameters_and_registered_fixtures():
    assert "instance_create" in fuzz.write_functions()
    assert "instance_get" not in fuzz.write_functions()
    assert fuzz.stale_shapes() == []


@pytest.mark.parametrize("function", fuzz.fuzzed_functions())
def test_a_write_returns_or_raises_a_novadb_error_and_then_changes_no_row(
        novadb_db, request, function):
    stats = fuzz.Stats()
    try:
        fuzz.fuzz_write(novadb_db, function, fuzz.budget(request.config), stats,
                        check_watch=fuzz.full_run(request.config))
    finally:
        request.node.user_properties += [
            ("fuzz_examples", stats.examples), ("fuzz_returned", stats.returned),
            ("fuzz_writes", stats.wrote), ("fuzz_raised", dict(stats.raised))]
    assert stats.examples > 0


def test_the_write_watch_sees_which_models_a_call_writes_and_a_read_writes_none(novadb_db):
    with fuzz.WriteWatch() as watch:
        watch.clear()
        novadb_db.agent_build_get_all(h.admin())
        assert (watch.wrote, watch.touched) == (False, set())
        novadb_db.agent_build_create(h.admin(), {})
        assert watch.wrote is True
        assert {model.__name__ for model in watch.touched} == {"AgentBuild"}
    assert [row["id"] for row in fuzz.store_rows([MODELS["AgentBuild"]])["AgentBuild"]] == [1]


class _Faulty:
    """The `novadb` module, but for an agent_build_create that raises `error` (after
    writing a row, with `write`)."""

    def __init__(self, db, error, write):
        self._db, self._error, self._write = db, error, write

    def __getattr__(self, name):
        return getattr(self._db, name)

    def agent_build_create(self, ctx, values):
        if self._write:
            self._db.agent_build_create(h.admin(), {})
        raise self._error


def test_the_fuzzer_fails_a_call_that_raises_after_changing_rows(novadb_db):
    faulty = _Faulty(novadb_db, exception.InvalidInput(reason="late"), write=True)
    with pytest.raises(AssertionError, match=r"raised InvalidInput but changed the store: "
                                             r"AgentBuild: \d+ -> \d+ rows"):
        fuzz.fuzz_write(faulty, "agent_build_create", 3)


def test_the_fuzzer_fails_a_call_that_lets_a_foreign_error_escape(novadb_db):
    faulty = _Faulty(novadb_db, KeyError("boom"), write=False)
    with pytest.raises(AssertionError, match="let a non-novadb error escape: builtins.KeyError"):
        fuzz.fuzz_write(faulty, "agent_build_create", 3)


def test_the_fuzzer_fails_a_novadb_error_the_contract_does_not_list(novadb_db):
    faulty = _Faulty(novadb_db, exception.InstanceNotFound(instance_id="x"), write=False)
    with pytest.raises(AssertionError, match="raised novadb.exception.InstanceNotFound, which "
                                             "its :raises: lines do not list"):
        fuzz.fuzz_write(faulty, "agent_build_create", 3)
