"""One registry of areas (novadb.areas): the generic driver is built from it,
stubs exist only for incomplete areas, and README's Status table follows it."""
from __future__ import annotations

import abc
import pathlib
import re

import pytest

import novadb.api
from novadb import areas
from novadb.driver import Driver
from novadb.generic import MIXINS, StoreDriver, _fill_unimplemented, is_stub
from novadb.generic.base import BaseDriver

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_every_api_function_belongs_to_exactly_one_area():
    listed = [f for area in areas.AREAS for f in area.functions]
    assert len(listed) == len(set(listed)) == 298
    assert set(listed) == set(novadb.api.__all__)


def test_the_store_driver_is_built_from_every_registered_mixin():
    registered = [a.load_mixin() for a in areas.AREAS if a.mixin]
    assert list(MIXINS) == registered
    assert all(issubclass(StoreDriver, mixin) for mixin in registered)
    assert StoreDriver.__abstractmethods__ == {"make_store"}  # all a backend must add


@pytest.mark.parametrize("area", [a.name for a in areas.AREAS if a.complete])
def test_no_function_of_a_complete_area_is_a_stub(area):
    stubs = [f for f in areas.by_name(area).functions
             if hasattr(Driver, f) and is_stub(getattr(StoreDriver, f))]
    assert not stubs


def test_only_functions_of_incomplete_areas_are_stubs():
    stubs = {name for name in dir(StoreDriver)
             if hasattr(Driver, name) and is_stub(getattr(StoreDriver, name))}
    assert stubs <= areas.stubbed_functions()


def test_a_complete_area_without_its_mixin_leaves_the_driver_abstract():
    hosts = areas.by_name("hosts").load_mixin()

    class Partial(*(m for m in MIXINS if m is not hosts), BaseDriver):  # type: ignore[misc]
        pass

    _fill_unimplemented(Partial)
    assert set(areas.by_name("hosts").functions) <= Partial.__abstractmethods__
    with pytest.raises(TypeError):
        Partial(None)
    assert isinstance(Partial, abc.ABCMeta)


def _status_table() -> dict[str, tuple[int, str]]:
    text = README.read_text()
    section = text.split("## Status", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `?(\w+)`? \| (\d+) \| (\w+) \|", section, re.M)
    return {name: (int(count), state) for name, count, state in rows}


def test_readme_status_table_follows_the_registry():
    expected = {a.name: (len(a.functions), "complete" if a.complete else "partial")
                for a in areas.AREAS}
    assert _status_table() == expected
