"""The request context every API function takes first."""
from __future__ import annotations

import copy
import datetime
import logging
import uuid
from typing import Any

from novadb import exception

LOG = logging.getLogger(__name__)

READ_DELETED_VALUES = ("no", "yes", "only")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def check_read_deleted(value: Any) -> str:
    """`value` if it is a valid read_deleted value, else `InvalidInput`."""
    if value not in READ_DELETED_VALUES:
        raise exception.InvalidInput(
            reason=f"read_deleted can only be one of 'no', 'yes' or 'only', not {value!r}")
    return value


class RequestContext:
    """Who is calling, with which rights, and whether deleted rows are seen.

    `is_admin=None` means admin when some role equals "admin", ignoring case.
    """

    def __init__(self, user_id: str | None, project_id: str | None,
                 is_admin: bool | None = None, read_deleted: str = "no",
                 roles: list[str] | None = None, remote_address: str | None = None,
                 timestamp: datetime.datetime | str | None = None,
                 request_id: str | None = None, auth_token: str | None = None,
                 overwrite: bool = True, quota_class: str | None = None,
                 user_name: str | None = None, project_name: str | None = None,
                 service_catalog: Any = None, instance_lock_checked: bool = False,
                 **kwargs: Any):
        if kwargs:
            LOG.warning("Arguments dropped when creating context: %s", kwargs)
        self.user_id = user_id
        self.project_id = project_id
        self.roles = list(roles) if roles is not None else []
        self.is_admin = (any(str(r).lower() == "admin" for r in self.roles)
                         if is_admin is None else is_admin)
        self.read_deleted = read_deleted
        self.remote_address = remote_address
        if timestamp is None:
            timestamp = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        elif isinstance(timestamp, str):
            timestamp = datetime.datetime.strptime(timestamp, _TIME_FORMAT)
        self.timestamp = timestamp
        self.request_id = request_id or "req-" + str(uuid.uuid4())
        self.auth_token = auth_token
        self.quota_class = quota_class
        self.user_name = user_name
        self.project_name = project_name
        self.service_catalog = service_catalog
        self.instance_lock_checked = instance_lock_checked

    @property
    def read_deleted(self) -> str:
        return self._read_deleted

    @read_deleted.setter
    def read_deleted(self, value: str) -> None:
        self._read_deleted = check_read_deleted(value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "project_id": self.project_id,
            "is_admin": self.is_admin,
            "read_deleted": self.read_deleted,
            "roles": list(self.roles),
            "remote_address": self.remote_address,
            "timestamp": self.timestamp.strftime(_TIME_FORMAT),
            "request_id": self.request_id,
            "auth_token": self.auth_token,
            "quota_class": self.quota_class,
            "user_name": self.user_name,
            "service_catalog": self.service_catalog,
            "project_name": self.project_name,
            "instance_lock_checked": self.instance_lock_checked,
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "RequestContext":
        return cls(**values)

    def elevated(self, read_deleted: str | None = None,
                 overwrite: bool = False) -> "RequestContext":
        """An admin copy of this context (roles copied, "admin" added)."""
        ctx = copy.copy(self)
        ctx.roles = list(self.roles)
        ctx.is_admin = True
        if "admin" not in ctx.roles:
            ctx.roles.append("admin")
        if read_deleted is not None:
            ctx.read_deleted = read_deleted
        return ctx

    def __repr__(self) -> str:
        return (f"<RequestContext user={self.user_id!r} project={self.project_id!r} "
                f"admin={self.is_admin} read_deleted={self.read_deleted!r}>")


def get_admin_context(read_deleted: str = "no") -> RequestContext:
    """An admin context with no user or project (and no roles)."""
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          read_deleted=read_deleted, overwrite=False)


def is_user_context(ctx: RequestContext | None) -> bool:
    """A non-admin context with both a user and a project."""
    return bool(ctx) and not ctx.is_admin and bool(ctx.user_id) and bool(ctx.project_id)
