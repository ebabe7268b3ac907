"""The built-in drivers: registered as entry points, complete, and true to the interface."""
from __future__ import annotations

import inspect
from importlib import metadata

import pytest

from novadb import exception, loader
from novadb.driver import Driver

BUILT_IN = ("sqlalchemy", "mongo", "memory")


def _driver_class(name):
    return {ep.name: ep for ep in metadata.entry_points(group=loader.NAMESPACE)}[name].load()


@pytest.mark.parametrize("name", BUILT_IN)
def test_built_in_driver_is_registered_and_has_no_abstract_method_left(name):
    cls = _driver_class(name)
    assert issubclass(cls, Driver)
    assert not cls.__abstractmethods__


@pytest.mark.parametrize("name", BUILT_IN)
def test_built_in_driver_methods_have_the_interface_signatures(name):
    cls = _driver_class(name)
    interface = [n for n, v in vars(Driver).items() if getattr(v, "__isabstractmethod__", False)]
    assert len(interface) == 297  # 295 API functions + db_sync + db_version
    for method in interface:
        assert _params(getattr(cls, method)) == _params(getattr(Driver, method)), method


def _params(func):
    """Names, kinds and defaults of a function's parameters (annotations aside)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]


def test_unknown_backend_error_lists_installed_drivers_and_the_extra():
    with pytest.raises(exception.BackendNotFound) as info:
        loader._load("nope")
    text = str(info.value)
    assert "nope" in text and "memory, mongo, sqlalchemy" in text and "pip install" in text


def test_memory_driver_does_not_import_sqlalchemy_orm_pymongo_or_oslo_db():
    import subprocess
    import sys
    code = (
        "import sys, novadb\n"
        "from novadb import context, migration\n"
        "novadb.configure(db_backend='memory'); migration.db_sync()\n"
        "novadb.service_get_all(context.get_admin_context())\n"
        "bad = [m for m in ('sqlalchemy.orm', 'pymongo', 'oslo_db') if m in sys.modules]\n"
        "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
