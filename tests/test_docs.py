"""The API reference in docs/ is generated from the `Driver` docstrings and kept current."""
from __future__ import annotations

import importlib.util
import pathlib
import re
import sys

import pytest

from novadb import areas

TOOL = pathlib.Path(__file__).resolve().parent.parent / "tools" / "gen_api_docs.py"


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("gen_api_docs", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as an import would (dataclasses look it up)
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_docs_are_current(gen):
    assert gen.stale() == [], "docs/ is stale: run python tools/gen_api_docs.py"


def test_each_area_page_has_one_section_per_function_in_the_area_s_order(gen):
    pages = gen.render()
    assert set(pages) == {f"{area.name}.md" for area in areas.AREAS} | {"index.md"}
    for area in areas.AREAS:
        headings = re.findall(r"^## `(\w+)`$", pages[f"{area.name}.md"], re.M)
        assert headings == list(area.functions)


def test_a_field_continued_on_indented_lines_is_one_item(gen):
    contract = gen.parse("Get it.\n\n:returns: the thing, or\n    None.\n"
                         ":raises novadb.exception.AdminRequired:\n"
                         ":raises novadb.exception.InvalidInput: `values` is\n    bad.")
    assert contract.description == "Get it."
    assert contract.returns == "the thing, or None."
    assert contract.raises == [("novadb.exception.AdminRequired", ""),
                               ("novadb.exception.InvalidInput", "`values` is bad.")]


def test_a_changed_missing_or_left_over_page_is_stale(gen, tmp_path):
    gen.write(tmp_path)
    assert gen.stale(tmp_path) == []
    (tmp_path / "hosts.md").write_text("edited by hand\n")
    (tmp_path / "flavors.md").unlink()
    (tmp_path / "old_area.md").write_text("")
    assert gen.stale(tmp_path) == ["flavors.md", "hosts.md", "old_area.md"]
    gen.write(tmp_path)
    assert gen.stale(tmp_path) == []
