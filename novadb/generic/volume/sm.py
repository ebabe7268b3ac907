"""The storage-manager tables: flavors, backend configurations and SM volumes.

Their reads include deleted rows and their deletes are hard deletes.
"""
from __future__ import annotations

from typing import Any

from novadb import exception, query
from novadb.generic.base import BaseDriver, reads, writes
from novadb.schema.models import SMBackendConf, SMFlavors, SMVolume
from novadb.schema.types import Model
from novadb.values import changes, check_values


class StorageManagerAPI(BaseDriver):
    """SM flavors, backend configurations and volumes."""

    def _sm_row(self, model: type[Model], column: str, value: Any, what: str
                ) -> dict[str, Any]:
        row = self.first(model, self.match(model, column, value))
        if row is None:
            raise exception.NotFound(f"No {what} with {column} {value!r:.80}.")
        return row

    def _sm_create(self, model: type[Model], values: Any, key: str) -> Any:
        """Insert a row whose `key` no row, deleted or not, has already (None included)."""
        checked, _ = check_values(model, values)
        value = checked.get(key)
        # A NULL key never conflicts in a unique index: serialize the check of None.
        self.lock_key(model, **{key: value})
        if self.first(model, model.columns[key] == value) is not None:
            raise exception.Duplicate(
                f"{model.__tablename__}: a row with {key}={value!r:.80} already exists")
        return self.record(model, self.create(model, checked))

    def _sm_update(self, model: type[Model], row_id: Any, values: Any, what: str) -> Any:
        checked, _ = check_values(model, values)
        row = self._sm_row(model, "id", row_id, what)
        if not self.update(model, self.pk_is(model, row), changes(model, checked), row=row):
            raise exception.NotFound(f"No {what} with id {row_id!r:.80}.")
        return self.record(model, self.first(model, self.pk_is(model, {**row, **checked})))

    def _sm_delete(self, model: type[Model], row_id: Any) -> None:
        where = self.match(model, "id", row_id)
        if where != query.FALSE:
            self.tx.delete(model, where)

    # -- backend configurations --------------------------------------------------------------

    @writes
    def sm_backend_conf_create(self, context, values):
        return self._sm_create(SMBackendConf, values, "config_params")

    @writes
    def sm_backend_conf_delete(self, context, sm_backend_conf_id):
        self._sm_delete(SMBackendConf, sm_backend_conf_id)

    @reads
    def sm_backend_conf_get(self, context, sm_backend_conf_id):
        return self.record(SMBackendConf, self._sm_row(
            SMBackendConf, "id", sm_backend_conf_id, "SM backend config"))

    @reads
    def sm_backend_conf_get_all(self, context):
        return self.records_where(SMBackendConf, None)

    @reads
    def sm_backend_conf_get_by_sr(self, context, sr_uuid):
        return self.record(SMBackendConf, self._sm_row(
            SMBackendConf, "sr_uuid", sr_uuid, "SM backend config"))

    @writes
    def sm_backend_conf_update(self, context, sm_backend_conf_id, values):
        return self._sm_update(SMBackendConf, sm_backend_conf_id, values, "SM backend config")

    # -- flavors -------------------------------------------------------------------------------

    @writes
    def sm_flavor_create(self, context, values):
        return self._sm_create(SMFlavors, values, "label")

    @writes
    def sm_flavor_delete(self, context, sm_flavor_id):
        self._sm_delete(SMFlavors, sm_flavor_id)

    @reads
    def sm_flavor_get(self, context, sm_flavor_id):
        return self.record(SMFlavors, self._sm_row(SMFlavors, "id", sm_flavor_id, "SM flavor"))

    @reads
    def sm_flavor_get_all(self, context):
        return self.records_where(SMFlavors, None)

    @reads
    def sm_flavor_get_by_label(self, context, sm_flavor_label):
        return self.record(SMFlavors, self._sm_row(SMFlavors, "label", sm_flavor_label,
                                                   "SM flavor"))

    @writes
    def sm_flavor_update(self, context, sm_flavor_id, values):
        return self._sm_update(SMFlavors, sm_flavor_id, values, "SM flavor")

    # -- SM volumes ----------------------------------------------------------------------------

    @writes
    def sm_volume_create(self, context, values):
        checked, _ = check_values(SMVolume, values)
        if checked.get("id") is None:
            raise exception.InvalidInput(reason="an SM volume needs the id of its volume")
        return self.record(SMVolume, self.create(SMVolume, checked))

    @writes
    def sm_volume_delete(self, context, volume_id):
        self._sm_delete(SMVolume, volume_id)

    @reads
    def sm_volume_get(self, context, volume_id):
        return self.record(SMVolume, self._sm_row(SMVolume, "id", volume_id, "SM volume"))

    @reads
    def sm_volume_get_all(self, context):
        return self.records_where(SMVolume, None)

    @writes
    def sm_volume_update(self, context, volume_id, values):
        return self._sm_update(SMVolume, volume_id, values, "SM volume")


__all__ = ["StorageManagerAPI"]
