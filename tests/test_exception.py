"""novadb.exception against spec/exceptions.md: hierarchy, codes, keywords, formatting."""
from __future__ import annotations

import ast
import inspect
import logging
import re
import sys

import pytest

from novadb import exception

# class name -> (direct parent, code, template keywords), as spec/exceptions.md gives them
# (with the novadb: decisions applied) plus the two loader classes of novadb.
EXPECTED: dict[str, tuple[str | None, int, tuple[str, ...]]] = {
    # base and families
    "NovaException": ("Exception", 500, ()),
    "NotFound": ("NovaException", 404, ()),
    "Duplicate": ("NovaException", 500, ()),
    "Invalid": ("NovaException", 400, ()),
    "NotAuthorized": ("NovaException", 403, ()),
    "AdminRequired": ("NotAuthorized", 403, ()),
    # §3 NotFound family
    "HostNotFound": ("NotFound", 404, ("host",)),
    "QuotaNotFound": ("NotFound", 404, ()),
    "AgentBuildNotFound": ("NotFound", 404, ("id",)),
    "AggregateNotFound": ("NotFound", 404, ("aggregate_id",)),
    "AggregateHostNotFound": ("NotFound", 404, ("aggregate_id", "host")),
    "AggregateMetadataNotFound": ("NotFound", 404, ("aggregate_id", "metadata_key")),
    "CertificateNotFound": ("NotFound", 404, ("certificate_id",)),
    "ComputeHostNotFound": ("HostNotFound", 404, ("host",)),
    "ConsoleNotFound": ("NotFound", 404, ("console_id",)),
    "ConsoleNotFoundForInstance": ("ConsoleNotFound", 404, ("instance_uuid",)),
    "ConsoleNotFoundInPoolForInstance": ("ConsoleNotFound", 404, ("instance_uuid", "pool_id")),
    "ConsolePoolNotFoundForHostType": ("NotFound", 404, ("console_type", "compute_host", "host")),
    "FixedIpNotFound": ("NotFound", 404, ("id",)),
    "FixedIpNotFoundForAddress": ("FixedIpNotFound", 404, ("address",)),
    "FixedIpNotFoundForInstance": ("FixedIpNotFound", 404, ("instance_uuid",)),
    "FixedIpNotFoundForNetworkHost": ("FixedIpNotFound", 404, ("host", "network_id")),
    "FixedIpNotFoundForNetwork": ("FixedIpNotFound", 404, ("address", "network_uuid")),
    "FlavorNotFound": ("NotFound", 404, ("flavor_id",)),
    "FlavorAccessNotFound": ("NotFound", 404, ("flavor_id", "project_id")),
    "FloatingIpNotFound": ("NotFound", 404, ("id",)),
    "FloatingIpNotFoundForAddress": ("FloatingIpNotFound", 404, ("address",)),
    "FloatingIpNotFoundForHost": ("FloatingIpNotFound", 404, ("host",)),
    "NoMoreFloatingIps": ("FloatingIpNotFound", 404, ()),
    "HostBinaryNotFound": ("NotFound", 404, ("binary", "host")),
    "ImageNotFound": ("NotFound", 404, ("image_id",)),
    "InstanceNotFound": ("NotFound", 404, ("instance_id",)),
    "InstanceMetadataNotFound": ("NotFound", 404, ("instance_uuid", "metadata_key")),
    "InstanceSystemMetadataNotFound": ("NotFound", 404, ("instance_uuid", "metadata_key")),
    "InstanceTypeNotFound": ("NotFound", 404, ("instance_type_id",)),
    "InstanceTypeNotFoundByName": ("InstanceTypeNotFound", 404, ("instance_type_name",)),
    "InstanceTypeExtraSpecsNotFound": ("NotFound", 404, ("instance_type_id", "extra_specs_key")),
    "ISCSITargetNotFoundForVolume": ("NotFound", 404, ("volume_id",)),
    "KeypairNotFound": ("NotFound", 404, ("name", "user_id")),
    "MarkerNotFound": ("NotFound", 404, ("marker",)),
    "MigrationNotFound": ("NotFound", 404, ("migration_id",)),
    "MigrationNotFoundByStatus": ("MigrationNotFound", 404, ("instance_id", "status")),
    "NetworkNotFound": ("NotFound", 404, ("network_id",)),
    "NetworkNotFoundForBridge": ("NetworkNotFound", 404, ("bridge",)),
    "NetworkNotFoundForCidr": ("NetworkNotFound", 404, ("cidr",)),
    "NetworkNotFoundForInstance": ("NetworkNotFound", 404, ("instance_id",)),
    "NetworkNotFoundForUUID": ("NetworkNotFound", 404, ("uuid",)),
    "NetworkNotFoundForProject": ("NotFound", 404, ("network_uuid", "project_id")),
    "NoNetworksFound": ("NotFound", 404, ()),
    "NoFixedIpsDefined": ("NotFound", 404, ()),
    "NoFloatingIpsDefined": ("NotFound", 404, ()),
    "ProjectQuotaNotFound": ("QuotaNotFound", 404, ("project_id",)),
    "QuotaClassNotFound": ("QuotaNotFound", 404, ("class_name",)),
    "QuotaUsageNotFound": ("QuotaNotFound", 404, ("project_id",)),
    "ReservationNotFound": ("QuotaNotFound", 404, ("uuid",)),
    "QuotaResourceUnknown": ("QuotaNotFound", 404, ("unknown",)),
    "SecurityGroupNotFound": ("NotFound", 404, ("security_group_id",)),
    "SecurityGroupNotFoundForProject": ("SecurityGroupNotFound", 404,
                                        ("security_group_id", "project_id")),
    "SecurityGroupNotFoundForRule": ("SecurityGroupNotFound", 404, ("rule_id",)),
    "ServiceNotFound": ("NotFound", 404, ("service_id",)),
    "SnapshotNotFound": ("NotFound", 404, ("snapshot_id",)),
    "VolumeNotFound": ("NotFound", 404, ("volume_id",)),
    "VolumeMetadataNotFound": ("NotFound", 404, ("volume_id", "metadata_key")),
    "VolumeTypeNotFound": ("NotFound", 404, ("volume_type_id",)),
    "VolumeTypeNotFoundByName": ("VolumeTypeNotFound", 404, ("volume_type_name",)),
    "VolumeTypeExtraSpecsNotFound": ("NotFound", 404, ("volume_type_id", "extra_specs_key")),
    # §4 Duplicate family (code 500)
    "AggregateHostExists": ("Duplicate", 500, ("aggregate_id", "host")),
    "AggregateNameExists": ("Duplicate", 500, ("aggregate_name",)),
    "DuplicateVlan": ("Duplicate", 500, ("vlan",)),
    "FlavorAccessExists": ("Duplicate", 500, ("flavor_id", "project_id")),
    "FloatingIpExists": ("Duplicate", 500, ("address",)),
    "InstanceTypeExists": ("Duplicate", 500, ("name",)),
    "VolumeTypeExists": ("Duplicate", 500, ("name",)),
    "KeyPairExists": ("Duplicate", 500, ("key_name",)),
    "InstanceExists": ("Duplicate", 500, ("name",)),
    "SecurityGroupExists": ("Duplicate", 500, ("project_id", "security_group_name")),
    "QuotaExists": ("Duplicate", 500, ("project_id", "resource")),
    "QuotaClassExists": ("Duplicate", 500, ("class_name", "resource")),
    "TaskAlreadyRunning": ("Duplicate", 500, ("task_name", "host")),
    "VirtualInterfaceCreateException": ("Duplicate", 500, ()),
    # §5 Invalid family (code 400)
    "InvalidUUID": ("Invalid", 400, ("uuid",)),
    "InstanceInvalidState": ("Invalid", 400, ("instance_uuid", "attr", "state", "method")),
    "InvalidUnicodeParameter": ("Invalid", 400, ()),
    "InvalidSortKey": ("Invalid", 400, ()),
    "InvalidInput": ("Invalid", 400, ("reason",)),
    "InvalidIpAddressError": ("Invalid", 400, ("address",)),
    "InvalidCidr": ("Invalid", 400, ("cidr",)),
    "InvalidReservationExpiration": ("Invalid", 400, ("expire",)),
    # §7 other direct subclasses
    "ConstraintNotMet": ("NovaException", 412, ()),
    "DBError": ("NovaException", 500, ()),  # positional inner_exception, tested apart
    "DBConnectionError": ("DBError", 500, ()),  # novadb's own, positional as DBError
    "FixedIpAlreadyInUse": ("NovaException", 500, ("address", "instance_uuid")),
    "NetworkInUse": ("NovaException", 500, ("network_id",)),
    "NoMoreFixedIps": ("NovaException", 500, ()),
    "NoMoreNetworks": ("NovaException", 500, ()),
    "NoMoreTargets": ("NovaException", 500, ()),
    "OverQuota": ("NovaException", 500, ("overs",)),
    "TaskNotRunning": ("NovaException", 500, ("task_name", "host")),
    "UnexpectedTaskStateError": ("NovaException", 500, ("expected", "actual")),
    # novadb only: the driver loader
    "BackendNotFound": ("Invalid", 400, ("backend", "installed", "hint")),
    "BackendUnavailable": ("NovaException", 500, ("backend", "reason")),
    # novadb only: the operator tools
    "StoreNotEmpty": ("Invalid", 400, ("store", "tables")),
    "SchemaVersionTooOld": ("Invalid", 400, ("store", "version", "needed")),
    "InvalidDump": ("Invalid", 400, ("path", "reason")),
    "CopyMismatch": ("NovaException", 500, ("tables",)),
}

# Keywords whose template field is not %s, with a value that fits it.
SPECIAL_VALUES = {("DuplicateVlan", "vlan"): 4093}

FIELD = re.compile(r"%\((\w+)\)")
KEYWORDED = [n for n, (_, _, kws) in EXPECTED.items() if kws]
POSITIONAL = ("DBError", "DBConnectionError")
NO_KEYWORDS = [n for n, (_, _, kws) in EXPECTED.items() if not kws and n not in POSITIONAL]


def _cls(name):
    return getattr(exception, name)


def _values(name):
    return {kw: SPECIAL_VALUES.get((name, kw), f"<{name}.{kw}>")
            for kw in EXPECTED[name][2]}


def test_module_defines_exactly_the_expected_classes():
    defined = {n for n, c in vars(exception).items()
               if inspect.isclass(c) and issubclass(c, exception.NovaException)}
    assert defined == set(EXPECTED)
    assert len(EXPECTED) == 105


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parent_and_code(name):
    parent, code, _ = EXPECTED[name]
    cls = _cls(name)
    assert cls.__bases__ == (getattr(exception, parent, Exception),)
    assert cls.__bases__[0].__name__ == parent
    assert cls.code == code
    assert cls.__module__ == "novadb.exception"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_template_fields_are_exactly_the_keywords(name):
    fields = FIELD.findall(_cls(name).message)
    assert sorted(fields) == sorted(EXPECTED[name][2])
    assert len(fields) == len(set(fields))


@pytest.mark.parametrize("name", KEYWORDED)
def test_template_formats_with_its_keywords(name, caplog):
    values = _values(name)
    with caplog.at_level(logging.ERROR, logger="novadb.exception"):
        e = _cls(name)(**values)
    assert not caplog.records, "the template did not format"
    text = str(e)
    assert "%(" not in text
    for value in values.values():
        assert str(value) in text
    assert e.kwargs == {**values, "code": EXPECTED[name][1]}
    assert e.format_message() == text


@pytest.mark.parametrize("name", NO_KEYWORDS)
def test_template_without_keywords(name, caplog):
    with caplog.at_level(logging.ERROR, logger="novadb.exception"):
        e = _cls(name)()
    assert not caplog.records
    assert str(e) == _cls(name).message
    assert str(e)
    assert e.kwargs == {"code": EXPECTED[name][1]}


def test_classes_without_keywords_have_their_own_message():
    base = exception.NovaException.message
    own = [n for n in NO_KEYWORDS if n not in ("NovaException", "Duplicate")]
    assert [n for n in own if _cls(n).message == base] == []
    # Duplicate has no template of its own.
    assert "message" not in vars(exception.Duplicate)
    assert str(exception.Duplicate()) == base


def test_distinct_templates_where_a_class_has_its_own_keywords():
    # A subclass whose keywords differ from its parent's must not inherit the template.
    for name, (parent, _, kws) in EXPECTED.items():
        if parent in EXPECTED and kws != EXPECTED[parent][2]:
            assert "message" in vars(_cls(name)), name


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - set(POSITIONAL)))
def test_kwargs_always_has_code(name):
    e = _cls(name)()
    assert e.kwargs["code"] == EXPECTED[name][1]
    # an explicit code in the keywords is kept
    assert _cls(name)(code=499).kwargs["code"] == 499


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - set(POSITIONAL)))
def test_positional_message_wins(name):
    e = _cls(name)("a message of my own", **_values(name))
    assert str(e) == "a message of my own"
    assert e.kwargs["code"] == EXPECTED[name][1]


@pytest.mark.parametrize("name", KEYWORDED)
def test_missing_keyword_gives_raw_template(name, caplog):
    cls = _cls(name)
    with caplog.at_level(logging.ERROR, logger="novadb.exception"):
        e = cls()  # must not raise
    assert str(e) == cls.message
    assert caplog.records
    assert e.kwargs == {"code": EXPECTED[name][1]}


def test_wrong_type_for_percent_d_gives_raw_template():
    e = exception.DuplicateVlan(vlan="not-a-number")
    assert str(e) == exception.DuplicateVlan.message
    assert e.kwargs["vlan"] == "not-a-number"


# -- individual spec points ---------------------------------------------------------

def test_families():
    assert issubclass(exception.ComputeHostNotFound, exception.HostNotFound)
    assert issubclass(exception.QuotaResourceUnknown, exception.QuotaNotFound)
    assert issubclass(exception.ReservationNotFound, exception.NotFound)
    assert issubclass(exception.AdminRequired, exception.NotAuthorized)
    for name in ("TaskAlreadyRunning", "VirtualInterfaceCreateException",
                 "SecurityGroupExists", "KeyPairExists", "InstanceExists"):
        assert issubclass(_cls(name), exception.Duplicate)
        assert not issubclass(_cls(name), exception.Invalid)
    with pytest.raises(exception.NovaException):
        raise exception.TaskAlreadyRunning(task_name="t", host="h")


def test_no_more_floating_ips_is_a_safe_not_found():
    e = exception.NoMoreFloatingIps()
    assert isinstance(e, exception.FloatingIpNotFound)
    assert isinstance(e, exception.NotFound)
    assert e.code == 404 and e.kwargs == {"code": 404}
    assert exception.NoMoreFloatingIps.safe is True
    assert exception.FloatingIpNotFound.safe is False
    assert exception.NovaException.safe is False


def test_class_attributes_of_the_base():
    assert exception.NovaException.code == 500
    assert exception.NovaException.headers == {}
    assert exception.ConstraintNotMet().kwargs["code"] == 412


def test_overquota_keeps_quotas_and_usages():
    quotas = {"instances": 10, "cores": 20}
    usages = {"instances": {"in_use": 10, "reserved": 0}}
    e = exception.OverQuota(overs=["cores", "instances"], quotas=quotas, usages=usages)
    assert "cores" in str(e) and "instances" in str(e)
    assert e.kwargs["quotas"] is quotas
    assert e.kwargs["usages"] is usages
    assert e.kwargs["overs"] == ["cores", "instances"]


def test_unexpected_task_state_with_tuple():
    e = exception.UnexpectedTaskStateError(expected=("spawning", None), actual="deleting")
    assert "('spawning', None)" in str(e) and "deleting" in str(e)


def test_quota_resource_unknown_with_list():
    e = exception.QuotaResourceUnknown(unknown=["bogus", "other"])
    assert "bogus" in str(e) and "other" in str(e) and e.code == 404


def test_invalid_uuid_positional_form():
    e = exception.InvalidUUID("not-a-uuid")
    assert str(e) == "not-a-uuid"
    assert e.kwargs == {"code": 400}


def test_backend_not_found_message():
    e = exception.BackendNotFound(backend="nosuch", installed="memory, mongo, sqlalchemy",
                                  hint="pip install something")
    text = str(e)
    assert isinstance(e, exception.Invalid) and e.code == 400
    assert text.index("nosuch") < text.index("memory, mongo, sqlalchemy") \
        < text.index("pip install something")
    assert "%(" not in str(exception.BackendNotFound(backend="x", installed="none", hint=""))


def test_backend_unavailable_message():
    e = exception.BackendUnavailable(backend="mongo", reason="No module named 'pymongo'")
    assert "mongo" in str(e) and "No module named 'pymongo'" in str(e)
    assert not isinstance(e, exception.Invalid)


# -- DBError -----------------------------------------------------------------------

def test_dberror_wraps_positionally():
    inner = RuntimeError("connection lost")
    e = exception.DBError(inner)
    assert e.inner_exception is inner
    assert str(e) == "connection lost"
    assert e.kwargs == {"code": 500}
    assert e.code == 500
    assert isinstance(e, exception.NovaException)
    assert not isinstance(e, (exception.Duplicate, exception.Invalid, exception.NotFound))


def test_dberror_keyword_and_default():
    inner = ValueError("bad")
    assert exception.DBError(inner_exception=inner).inner_exception is inner
    e = exception.DBError()
    assert e.inner_exception is None
    assert str(e) == "None"
    assert e.kwargs == {"code": 500}


def test_dberror_can_be_raised_from():
    inner = OSError("gone")
    with pytest.raises(exception.DBError) as info:
        try:
            raise inner
        except OSError as exc:
            raise exception.DBError(exc) from exc
    assert info.value.inner_exception is inner
    assert info.value.__cause__ is inner


# -- the module itself ----------------------------------------------------------------

def test_module_imports_only_the_standard_library():
    tree = ast.parse(inspect.getsource(exception))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add((node.module or "").split(".")[0])
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}


def test_every_class_has_a_docstring():
    missing = [n for n in EXPECTED if n != "NovaException" and not vars(_cls(n)).get("__doc__")]
    assert missing == []


def test_dbconnectionerror_is_a_dberror_that_wraps_positionally():
    inner = ConnectionError("cannot connect to the PostgreSQL server db:5432")
    e = exception.DBConnectionError(inner)
    assert isinstance(e, exception.DBError)
    assert e.inner_exception is inner
    assert str(e) == "cannot connect to the PostgreSQL server db:5432"
    assert e.kwargs == {"code": 500}
