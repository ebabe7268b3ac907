"""Record shapes, builders and the state dump of the flavors area: instance types
(flavors), their extra specs and their project access rows."""
from __future__ import annotations

from typing import Any

from novadb.conformance.helpers import BOOL, INT, TEXT, admin, assert_record, record_shape, unique

__all__ = [
    "INSTANCE_TYPE", "INSTANCE_TYPE_PROJECT", "DEFAULT_FLAVORS",
    "flavor_values", "make_flavor", "assert_flavor", "flavors_state",
]

# -- record shapes ----------------------------------------------------------------------------

#: The columns of a flavor (table `instance_types`).
INSTANCE_TYPE = record_shape(
    name=TEXT, memory_mb=(int, False), vcpus=(int, False), root_gb=INT, ephemeral_gb=INT,
    flavorid=TEXT, swap=(int, False), rxtx_factor=(float, True), vcpu_weight=INT,
    disabled=BOOL, is_public=BOOL)
#: The columns of a flavor access row (table `instance_type_projects`).
INSTANCE_TYPE_PROJECT = record_shape(instance_type_id=(int, False), project_id=TEXT)

#: The five flavors db_sync seeds on every backend, ids 1-5 in this order with
#: flavorid str(id): name -> (id, memory_mb, vcpus, root_gb).
DEFAULT_FLAVORS = {
    "m1.tiny": (1, 512, 1, 0), "m1.small": (2, 2048, 1, 20), "m1.medium": (3, 4096, 2, 40),
    "m1.large": (4, 8192, 4, 80), "m1.xlarge": (5, 16384, 8, 160),
}


def assert_flavor(record: Any) -> None:
    """A flavor dict: the columns plus `extra_specs` (a dict), nothing else."""
    assert_record(record, INSTANCE_TYPE, extra_specs=dict)
    assert record == dict(record)


# -- builders ---------------------------------------------------------------------------------

def flavor_values(**overrides: Any) -> dict:
    """The values of a new flavor (a fresh name and flavorid by default)."""
    name = unique("flavor")
    values = {"name": name, "flavorid": name + "-id", "memory_mb": 1024, "vcpus": 2,
              "root_gb": 10, "ephemeral_gb": 0}
    values.update(overrides)
    return values


def make_flavor(db: Any, ctx: Any, **overrides: Any) -> dict:
    """A flavor through `instance_type_create`."""
    return db.instance_type_create(ctx, flavor_values(**overrides))


# -- state dump -------------------------------------------------------------------------------

def flavors_state(db: Any) -> dict:
    """Every flavor (deleted included) with its specs and access rows."""
    everything = admin("yes")
    flavors = db.instance_type_get_all(everything, inactive=True)
    return {
        "flavors": flavors,
        "access": {f["flavorid"]: db.instance_type_access_get_by_flavor_id(everything,
                                                                           f["flavorid"])
                   for f in flavors if not f["deleted"]},
    }
