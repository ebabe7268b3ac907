"""Checks of the declared schema (novadb.schema) against spec/models.md and the seed."""
from __future__ import annotations

import collections
import json
import pathlib
import sys

import pytest

try:
    import novadb.schema  # noqa: F401
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from novadb import exception
from novadb.schema import MODELS, Column, Computed, Integer, Model, Relation, String, get_model

# The seed's names, signatures and model keys (a copy of spec/seed_api.json).
SEED_API = pathlib.Path(__file__).resolve().parent / "data" / "seed_api.json"

SHARED = {"created_at", "updated_at", "deleted_at", "deleted"}

# Keys of the seed's models that novadb deliberately does not make record keys
# (models.md §3 and §2.23/§2.49): class-level non-data and never-loaded relations.
NOT_KEYS = {
    "ComputeNodeStat": {"primary_join"},
    "InstanceSystemMetadata": {"primary_join"},
    "Instance": {"injected_files"},
    "InstanceTypes": {"instances"},
    "VolumeTypes": {"volumes"},
}


def _all_models():
    return list(MODELS.items())


def test_there_are_49_models():
    assert len(MODELS) == 49
    assert len({m.__tablename__ for m in MODELS.values()}) == 49
    assert get_model("Instance") is MODELS["Instance"]
    with pytest.raises(KeyError):
        get_model("NoSuchModel")


def test_keys_match_the_seed():
    seed = json.loads(SEED_API.read_text())["models"]
    assert list(MODELS) == list(seed), "models are not in the seed's order"
    for name, model in MODELS.items():
        seed_keys = set(seed[name])
        ours = set(model.columns) | set(model.computed)
        assert ours <= seed_keys, (name, sorted(ours - seed_keys))
        # What the seed lists beyond columns and computed keys is either a relation
        # declared on that model (a key only where a function loads it) or not a key.
        rest = seed_keys - ours
        expected = (set(model.relations) & seed_keys) | NOT_KEYS.get(name, set())
        assert rest == expected, (name, sorted(rest ^ expected))


@pytest.mark.parametrize("name,model", _all_models())
def test_shared_columns_and_primary_key(name, model):
    assert SHARED <= set(model.columns)
    assert model.columns["deleted"].nullable is False
    assert model.primary_key.nullable is False
    assert model.__doc__ and "\n" not in model.__doc__.strip()


@pytest.mark.parametrize("name,model", _all_models())
def test_relations_point_at_existing_columns(name, model):
    for rel in model.__relations__:
        assert rel.target in MODELS, (name, rel)
        assert rel.local in model.columns, (name, rel)
        assert rel.remote in MODELS[rel.target].columns, (name, rel)
        assert set(rel.live) <= {"parent", "link", "target"}, (name, rel)
        if rel.through:
            link, link_local, link_remote = rel.through
            assert link in MODELS, (name, rel)
            assert {link_local, link_remote} <= set(MODELS[link].columns), (name, rel)
        else:
            assert "link" not in rel.live, (name, rel)


@pytest.mark.parametrize("name,model", _all_models())
def test_index_and_unique_columns_exist(name, model):
    for ix in model.__indexes__:
        assert ix.columns and set(ix.columns) <= set(model.columns), (name, ix)
    for uk in model.__unique_keys__:
        assert uk.columns and set(uk.columns) <= set(model.columns), (name, uk)
        assert uk.name == "uniq_%s0%s" % (model.__tablename__, "0".join(uk.columns))


def test_index_and_key_names_are_unique_across_the_schema():
    names = [ix.name for m in MODELS.values() for ix in m.__indexes__]
    names += [uk.name for m in MODELS.values() for uk in m.__unique_keys__]
    dups = [n for n, c in collections.Counter(names).items() if c > 1]
    assert not dups


def test_computed_keys():
    computed = {n: tuple(m.computed) for n, m in MODELS.items() if m.__computed__}
    assert computed == {
        "Aggregate": ("hosts", "metadetails"),
        "Instance": ("name",),
        "QuotaUsage": ("total",),
        "Snapshot": ("name", "volume_name"),
        "Volume": ("name",),
    }
    needs = {n: m.computed_needs for n, m in MODELS.items() if m.computed_needs}
    assert needs == {"Aggregate": ("_hosts", "_metadata")}
    for model in MODELS.values():
        assert all(isinstance(key, Computed) for key in model.__computed__)
        assert [key.name for key in model.__computed__] == list(model.computed)


class _Conf:
    instance_name_template = "instance-%08x"
    volume_name_template = "volume-%s"
    snapshot_name_template = "snapshot-%s"


def _value(model, key, row, related=None, conf=_Conf):
    return get_model(model).computed[key].function(row, related or {}, conf)


def test_computed_values():
    instance = {"id": 10, "uuid": "u-1", "host": "h"}
    assert _value("Instance", "name", instance) == "instance-0000000a"

    class Named(_Conf):
        instance_name_template = "%(uuid)s-%(host)s"

    class Unknown(_Conf):
        instance_name_template = "%(nope)s"

    assert _value("Instance", "name", instance, conf=Named) == "u-1-h"
    assert _value("Instance", "name", instance, conf=Unknown) == "u-1"
    assert _value("Volume", "name", {"id": "v"}) == "volume-v"
    assert _value("Snapshot", "name", {"id": "s", "volume_id": "v"}) == "snapshot-s"
    assert _value("Snapshot", "volume_name", {"id": "s", "volume_id": "v"}) == "volume-v"
    assert _value("QuotaUsage", "total", {"in_use": 2, "reserved": None}) == 2
    related = {"_hosts": [{"host": "a"}, {"host": "b"}],
               "_metadata": [{"key": "k", "value": "v"}]}
    assert _value("Aggregate", "hosts", {}, related) == ["a", "b"]
    assert _value("Aggregate", "metadetails", {}, related) == {"k": "v"}


def test_computed_declarations_are_checked():
    def declare(*computed):
        return type("Probe", (Model,), {
            "__tablename__": "probes", "__computed__": computed,
            "__relations__": (Relation("_parts", "AgentBuild", "id", "id"),),
            "id": Column(Integer, primary_key=True)})

    probe = declare(Computed("label", lambda row, related, conf: row["id"],
                             needs=["_parts"]))
    assert probe.computed_needs == ("_parts",)
    with pytest.raises(TypeError, match="not a Computed"):
        declare("label")
    with pytest.raises(TypeError, match="already a key"):
        declare(Computed("id", lambda row, related, conf: 0))
    with pytest.raises(TypeError, match="undeclared relation"):
        declare(Computed("label", lambda row, related, conf: 0, needs=("_nope",)))


def test_errors_are_duplicates():
    missing = []
    for name, model in MODELS.items():
        for uk in model.__unique_keys__:
            if uk.error is None:
                continue
            row = {c: None for c in model.columns}
            row.update({c: 1 if model.columns[c].type == Integer else "x"
                        for c in uk.columns})
            try:
                err = uk.error(row)
            except AttributeError as exc:  # class not yet in novadb.exception
                missing.append(f"{name}.{uk.name}: {exc}")
                continue
            assert isinstance(err, exception.Duplicate), (name, uk.name, err)
    if missing:
        pytest.skip("exception classes missing: " + "; ".join(missing))


def test_instance_uuid_unique_over_all_rows():
    keys = {uk.columns: uk for uk in get_model("Instance").__unique_keys__}
    uk = keys[("uuid",)]
    assert uk.live_only is False
    if hasattr(exception, "InstanceExists"):
        err = uk.error({"uuid": "u-1"})
        assert isinstance(err, exception.InstanceExists)
        assert err.kwargs["name"] == "u-1"


def test_keypair_live_key_error():
    uk, = get_model("KeyPair").__unique_keys__
    assert uk.columns == ("user_id", "name")
    assert uk.live_only is True
    if not hasattr(exception, "KeyPairExists"):
        pytest.skip("novadb.exception.KeyPairExists not defined yet")
    err = uk.error({"user_id": "u", "name": "k1"})
    assert type(err) is exception.KeyPairExists
    assert err.kwargs["key_name"] == "k1"


def test_all_rows_keys():
    all_rows = {(m.__tablename__, uk.columns) for m in MODELS.values()
                for uk in m.__unique_keys__ if not uk.live_only}
    assert all_rows == {
        ("instances", ("uuid",)),
        ("instance_info_caches", ("instance_uuid",)),
        ("virtual_interfaces", ("address",)),
        ("sm_backend_config", ("config_params",)),
        ("sm_flavors", ("label",)),
    }


def test_string_primary_keys():
    for name in ("Volume", "Snapshot", "SMVolume"):
        pk = get_model(name).primary_key
        assert pk.name == "id" and pk.type == String(36) and not pk.autoincrement
    assert get_model("Instance").primary_key.type == Integer
    assert get_model("Instance").primary_key.autoincrement


def test_dns_domain_primary_key_is_domain():
    model = get_model("DNSDomain")
    assert "id" not in model.columns
    assert model.primary_key.name == "domain"
    assert model.primary_key.type == String(255)


def test_novadb_overrides():
    assert get_model("BlockDeviceMapping").columns["instance_uuid"].type == String(36)
    assert get_model("ComputeNodeStat").columns["key"].type == String(255)
    assert get_model("Volume").columns["ec2_id"].type == Integer
    assert get_model("Volume").columns["provider_location"].type == String(256)
    assert get_model("SecurityGroupIngressRule").columns["protocol"].type == String(255)
    # no‡ columns are nullable, no/no† are not.
    assert get_model("VirtualInterface").columns["network_id"].nullable
    assert get_model("InstanceTypes").columns["rxtx_factor"].nullable
    assert not get_model("ComputeNode").columns["cpu_info"].nullable
    assert not get_model("InstanceTypes").columns["swap"].nullable


def test_checks_and_defaults():
    checks = {(m.__tablename__, c.name): c.check for m in MODELS.values()
              for c in m.columns.values() if c.check}
    assert checks[("fixed_ips", "address")] == "ip"
    assert checks[("networks", "cidr_v6")] == "cidr"
    assert ("networks", "netmask_v6") not in checks
    assert len(checks) == 15
    svc = get_model("Service").columns
    assert (svc["report_count"].default, svc["disabled"].default,
            svc["availability_zone"].default) == (0, False, "nova")
    assert get_model("InstanceTypes").columns["rxtx_factor"].default == 1.0
