"""novadb: the database API of a compute cloud.

`import novadb as db` gives the 298 API functions (`db.instance_get_by_uuid(ctxt, uuid)`,
...), defined in `novadb.api`; each takes a `novadb.context.RequestContext` first (except the
constraint helpers `constraint`, `equal_any`, `not_equal`) and runs on the driver named by
the `db_backend` flag.  `novadb.configure(**flags)` sets flags from Python.
"""
from novadb.api import *  # noqa: F401,F403  (the 298 functions)
from novadb.api import __all__ as _api_all
from novadb.config import configure

__version__ = "0.1.0"
__all__ = list(_api_all) + ["configure"]
