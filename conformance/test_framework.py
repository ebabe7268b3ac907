"""The framework itself, on every configuration: loading, configure(), schema
versions, record shape, values checking, error translation, soft delete,
read_deleted and context checks."""
from __future__ import annotations

import datetime
from importlib import metadata

import pytest

from novadb import context, exception, loader, migration
from novadb.conformance.builders.hosts import make_service



def _unwrap(driver):
    return getattr(driver, "_driver", driver)


# -- loading -------------------------------------------------------------------------

def test_driver_is_loaded_from_the_db_backend_flag_on_first_use(novadb_db, novadb_configuration,
                                                                 novadb_admin_ctx):
    novadb_db.configure(**novadb_configuration.flags())
    assert loader.current() is None  # configure() dropped the driver; nothing loaded yet
    migration.db_version()
    entry = {ep.name: ep for ep in metadata.entry_points(group=loader.NAMESPACE)}
    expected = entry[novadb_configuration.backend].load()
    assert type(_unwrap(loader.current())) is expected


def test_unknown_backend_fails_at_once_listing_the_installed_drivers(novadb_db, novadb_admin_ctx):
    novadb_db.configure(db_backend="no-such-driver")
    with pytest.raises(exception.BackendNotFound) as info:
        novadb_db.service_get_all(novadb_admin_ctx)
    message = str(info.value)
    assert "no-such-driver" in message
    for name in ("sqlalchemy", "mongo", "memory"):
        assert name in message
    assert "pip install" in message


def test_configure_rejects_an_unknown_flag_and_sets_nothing(novadb_db, novadb_admin_ctx):
    with pytest.raises(exception.InvalidInput):
        novadb_db.configure(db_backend="memory", no_such_flag=1)
    assert novadb_db.service_get_all(novadb_admin_ctx) == []  # the loaded driver was not dropped


def test_configure_drops_the_loaded_driver(novadb_db, novadb_configuration, novadb_admin_ctx):
    make_service(novadb_db, novadb_admin_ctx, host="kept")
    before = loader.current()
    novadb_db.configure(**novadb_configuration.flags())
    if novadb_configuration.persistent:
        assert [s.host for s in novadb_db.service_get_all(novadb_admin_ctx)] == ["kept"]
    else:
        assert migration.db_version() is None  # a fresh, empty in-memory store
        migration.db_sync()
        assert novadb_db.service_get_all(novadb_admin_ctx) == []
    assert loader.current() is not before


# -- schema versions -------------------------------------------------------------------

def test_db_version_is_the_latest_after_db_sync(novadb_db):
    assert migration.db_version() == migration.LATEST_VERSION
    migration.db_sync()  # idempotent
    migration.db_sync(migration.LATEST_VERSION)
    assert migration.db_version() == migration.LATEST_VERSION


@pytest.mark.parametrize("version", ["one", 1.5j, -1, 99])
def test_db_sync_rejects_a_version_that_is_not_a_known_integer(novadb_db, version):
    with pytest.raises(exception.NovaException):
        migration.db_sync(version)
    assert migration.db_version() == migration.LATEST_VERSION


@pytest.mark.covers("instance_type_get_all")
def test_db_sync_seeds_the_five_default_flavors(novadb_db, novadb_admin_ctx):
    flavors = sorted(novadb_db.instance_type_get_all(novadb_admin_ctx), key=lambda f: f["id"])
    assert [(f["id"], f["name"], f["memory_mb"], f["vcpus"], f["root_gb"], f["flavorid"])
            for f in flavors] == [
        (1, "m1.tiny", 512, 1, 0, "1"), (2, "m1.small", 2048, 1, 20, "2"),
        (3, "m1.medium", 4096, 2, 40, "3"), (4, "m1.large", 8192, 4, 80, "4"),
        (5, "m1.xlarge", 16384, 8, 160, "5")]
    for flavor in flavors:
        assert flavor["ephemeral_gb"] == 0 and flavor["swap"] == 0
        assert flavor["rxtx_factor"] == 1.0 and isinstance(flavor["rxtx_factor"], float)
        assert flavor["vcpu_weight"] is None
        assert flavor["disabled"] is False and flavor["is_public"] is True
        assert isinstance(flavor["created_at"], datetime.datetime)
        assert flavor["deleted"] is False and flavor["extra_specs"] == {}


# -- records ---------------------------------------------------------------------------

SERVICE_KEYS = {"id", "host", "binary", "topic", "report_count", "disabled",
                "availability_zone", "created_at", "updated_at", "deleted_at", "deleted"}


@pytest.mark.covers("service_create", "service_get_all")
def test_a_record_is_a_dict_with_attribute_access(novadb_db, novadb_admin_ctx):
    record = make_service(novadb_db, novadb_admin_ctx, host="h1")
    assert set(record.keys()) == SERVICE_KEYS
    assert set(record) == SERVICE_KEYS  # iteration yields keys
    assert record["host"] == record.host == record.get("host") == "h1"
    assert "host" in record and "nope" not in record
    assert dict(record.items()) == dict(record)
    assert record.get("nope", 7) == 7
    with pytest.raises(KeyError):
        record["nope"]
    with pytest.raises(AttributeError):
        record.nope
    listed = novadb_db.service_get_all(novadb_admin_ctx)
    assert isinstance(listed, list) and listed == [record]


@pytest.mark.covers("service_create")
def test_record_values_have_the_declared_python_types(novadb_db, novadb_admin_ctx):
    record = make_service(novadb_db, novadb_admin_ctx)
    assert type(record.id) is int
    assert type(record.report_count) is int
    assert type(record.disabled) is bool and type(record.deleted) is bool
    assert type(record.host) is str
    created = record.created_at
    assert type(created) is datetime.datetime and created.tzinfo is None
    assert created.microsecond % 1000 == 0
    assert record.updated_at is None and record.deleted_at is None


@pytest.mark.covers("service_create", "service_update", "service_get")
def test_timestamps_are_naive_utc_in_whole_milliseconds(novadb_db, novadb_admin_ctx):
    aware = datetime.datetime(2012, 9, 27, 12, 30, 1, 123456,
                              tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    record = make_service(novadb_db, novadb_admin_ctx, created_at=aware)
    expected = datetime.datetime(2012, 9, 27, 10, 30, 1, 123000)
    assert record.created_at == expected
    novadb_db.service_update(novadb_admin_ctx, record.id, {"report_count": 3})
    again = novadb_db.service_get(novadb_admin_ctx, record.id)
    assert again.created_at == expected
    assert again.updated_at is not None and again.updated_at.microsecond % 1000 == 0
    assert again.updated_at >= expected


# -- values dicts --------------------------------------------------------------------------

BAD_VALUES = [
    pytest.param({"no_such_column": 1}, id="unknown-key"),
    pytest.param({"report_count": "many"}, id="text-for-integer"),
    pytest.param({"report_count": True}, id="bool-for-integer"),
    pytest.param({"report_count": 1.5}, id="float-for-integer"),
    pytest.param({"report_count": 2 ** 40}, id="integer-out-of-range"),
    pytest.param({"report_count": None}, id="none-for-not-null"),
    pytest.param({"disabled": "yes"}, id="text-for-boolean"),
    pytest.param({"host": "h" * 256}, id="string-too-long"),
    pytest.param({"host": ["h"]}, id="list-for-string"),
    pytest.param({"host": "a\x00b"}, id="nul-in-string"),
    pytest.param({"created_at": "2012-01-01"}, id="text-for-datetime"),
    pytest.param({"deleted": None}, id="none-for-deleted"),
]


@pytest.mark.covers("service_create")
@pytest.mark.parametrize("bad", BAD_VALUES)
def test_bad_values_raise_invalid_input_and_write_nothing(novadb_db, novadb_admin_ctx, bad):
    given = {"host": "h", "binary": "b", "topic": "t", **bad}
    snapshot = dict(given)
    with pytest.raises(exception.InvalidInput):
        novadb_db.service_create(novadb_admin_ctx, given)
    assert given == snapshot  # the caller's dict is left alone
    assert novadb_db.service_get_all(context.get_admin_context(read_deleted="yes")) == []


@pytest.mark.covers("service_create")
def test_values_are_coerced_as_sql_would(novadb_db, novadb_admin_ctx):
    record = novadb_db.service_create(novadb_admin_ctx, {"host": 42, "report_count": "7", "topic": 1.5})
    assert record.host == "42" and record.topic == "1.5"
    assert record.report_count == 7


@pytest.mark.covers("service_update")
def test_bad_values_on_update_change_nothing(novadb_db, novadb_admin_ctx):
    record = make_service(novadb_db, novadb_admin_ctx, host="h")
    before = novadb_db.service_get(novadb_admin_ctx, record.id)
    for bad in ({"host": "new", "bogus": 1}, {"host": "new", "report_count": "x"}):
        with pytest.raises(exception.InvalidInput):
            novadb_db.service_update(novadb_admin_ctx, record.id, bad)
    assert novadb_db.service_get(novadb_admin_ctx, record.id) == before


# -- error translation -------------------------------------------------------------------

@pytest.mark.covers("aggregate_create")
def test_a_unique_conflict_is_the_keys_duplicate_error(novadb_db, novadb_admin_ctx):
    novadb_db.aggregate_create(novadb_admin_ctx, {"name": "agg", "availability_zone": "az"})
    with pytest.raises(exception.AggregateNameExists) as info:
        novadb_db.aggregate_create(novadb_admin_ctx, {"name": "agg", "availability_zone": "az"})
    assert isinstance(info.value, exception.Duplicate)
    assert info.value.kwargs["aggregate_name"] == "agg"
    assert len(novadb_db.aggregate_get_all(novadb_admin_ctx)) == 1


@pytest.mark.covers("aggregate_create", "aggregate_delete")
def test_live_row_unique_keys_ignore_deleted_rows(novadb_db, novadb_admin_ctx):
    first = novadb_db.aggregate_create(novadb_admin_ctx, {"name": "agg", "availability_zone": "az"})
    novadb_db.aggregate_delete(novadb_admin_ctx, first.id)
    second = novadb_db.aggregate_create(novadb_admin_ctx, {"name": "agg", "availability_zone": "az"})
    assert second.id != first.id


@pytest.mark.covers("service_get", "service_update", "service_destroy", "service_get_all")
def test_not_found_is_an_exception_never_none(novadb_db, novadb_admin_ctx):
    for call in (lambda: novadb_db.service_get(novadb_admin_ctx, 999),
                 lambda: novadb_db.service_update(novadb_admin_ctx, 999, {"host": "x"}),
                 lambda: novadb_db.service_destroy(novadb_admin_ctx, 999)):
        with pytest.raises(exception.ServiceNotFound) as info:
            call()
        assert info.value.kwargs["service_id"] == 999 and info.value.code == 404


# -- soft delete and read_deleted -----------------------------------------------------------

@pytest.mark.covers("service_destroy", "service_get", "service_get_all")
def test_soft_delete_keeps_the_row_for_read_deleted_yes_and_only(novadb_db, novadb_admin_ctx):
    gone = make_service(novadb_db, novadb_admin_ctx, host="gone")
    kept = make_service(novadb_db, novadb_admin_ctx, host="kept")
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    assert [s.id for s in novadb_db.service_get_all(novadb_admin_ctx)] == [kept.id]
    with pytest.raises(exception.ServiceNotFound):
        novadb_db.service_get(novadb_admin_ctx, gone.id)
    yes = context.get_admin_context(read_deleted="yes")
    only = context.get_admin_context(read_deleted="only")
    assert [s.id for s in novadb_db.service_get_all(yes)] == [gone.id, kept.id]
    assert [s.id for s in novadb_db.service_get_all(only)] == [gone.id]
    row = novadb_db.service_get(yes, gone.id)
    assert row.deleted is True
    assert isinstance(row.deleted_at, datetime.datetime)
    assert row.updated_at is None  # a soft delete leaves updated_at alone


def test_read_deleted_must_be_no_yes_or_only():
    with pytest.raises(exception.InvalidInput):
        context.RequestContext("u", "p", read_deleted="maybe")
    ctx = context.RequestContext("u", "p")
    with pytest.raises(exception.InvalidInput):
        ctx.read_deleted = "sometimes"
    assert ctx.read_deleted == "no"


# -- context checks -------------------------------------------------------------------------

@pytest.mark.covers("service_get_all", "instance_get_all_by_filters")
def test_context_guards(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    with pytest.raises(exception.NotAuthorized):
        novadb_db.service_get_all(None)
    with pytest.raises(exception.AdminRequired):
        novadb_db.service_get_all(novadb_user_ctx)
    incomplete = context.RequestContext("user", None)
    with pytest.raises(exception.NotAuthorized):
        novadb_db.instance_get_all_by_filters(incomplete, {})
    assert novadb_db.instance_get_all_by_filters(novadb_user_ctx, {}) == []


def test_elevated_copies_the_roles():
    ctx = context.RequestContext("u", "p", roles=["member"])
    admin = ctx.elevated(read_deleted="yes")
    assert admin.is_admin and "admin" in admin.roles and admin.read_deleted == "yes"
    assert ctx.roles == ["member"] and not ctx.is_admin and ctx.read_deleted == "no"
    assert context.RequestContext("u", "p", roles=["Admin"]).is_admin


# -- project scoping --------------------------------------------------------------------------

@pytest.mark.covers("instance_create", "instance_get_by_uuid", "instance_get_all_by_filters")
def test_a_user_context_sees_only_its_projects_rows(novadb_db, novadb_admin_ctx, novadb_user_ctx, novadb_other_ctx):
    mine = novadb_db.instance_create(novadb_user_ctx, {"project_id": novadb_user_ctx.project_id})
    theirs = novadb_db.instance_create(novadb_other_ctx, {"project_id": novadb_other_ctx.project_id})
    assert novadb_db.instance_get_by_uuid(novadb_user_ctx, mine.uuid).id == mine.id
    with pytest.raises(exception.InstanceNotFound):
        novadb_db.instance_get_by_uuid(novadb_user_ctx, theirs.uuid)
    assert [i.uuid for i in novadb_db.instance_get_all_by_filters(novadb_user_ctx, {})] == [mine.uuid]
    seen = {i.uuid for i in novadb_db.instance_get_all_by_filters(novadb_admin_ctx, {})}
    assert seen == {mine.uuid, theirs.uuid}
