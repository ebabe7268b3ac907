"""Who may call what: written once, applied by novadb.api.

The three guards mark each public function with its Context term:

- `admin_only`: a non-admin context raises `AdminRequired` before anything is read;
- `any_context`: an admin context, or a user context (both user_id and project_id);
  anything else raises `NotAuthorized`;
- `no_context_check`: any `RequestContext`.

Every guard refuses a None context with `NotAuthorized`.  The `authorize_*`
helpers are the explicit checks some functions make on an argument.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from novadb import exception
from novadb.context import RequestContext, is_user_context

F = TypeVar("F", bound=Callable[..., Any])

ADMIN_ONLY = "admin-only"
ANY_CONTEXT = "any context"
NO_CONTEXT_CHECK = "no context check"


def check(guard: str, context: Any) -> None:
    """Raise unless `context` passes `guard`."""
    if context is None or not isinstance(context, RequestContext):
        raise exception.NotAuthorized()
    if guard == ADMIN_ONLY:
        if not context.is_admin:
            raise exception.AdminRequired()
    elif guard == ANY_CONTEXT:
        if not (context.is_admin or is_user_context(context)):
            raise exception.NotAuthorized()


def _guard(kind: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(context: Any, *args: Any, **kwargs: Any) -> Any:
            check(kind, context)
            return func(context, *args, **kwargs)

        wrapper.guard = kind  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]
    return decorate


admin_only = _guard(ADMIN_ONLY)
any_context = _guard(ANY_CONTEXT)
no_context_check = _guard(NO_CONTEXT_CHECK)


def authorize_project_context(context: RequestContext, project_id: Any) -> None:
    """A user context may only name its own project."""
    if is_user_context(context) and context.project_id != project_id:
        raise exception.NotAuthorized()


def authorize_user_context(context: RequestContext, user_id: Any) -> None:
    """A user context may only name itself."""
    if is_user_context(context) and context.user_id != user_id:
        raise exception.NotAuthorized()


def authorize_quota_class_context(context: RequestContext, class_name: Any) -> None:
    """A user context may only read its own quota class (none set: refused)."""
    if is_user_context(context):
        if not context.quota_class or context.quota_class != class_name:
            raise exception.NotAuthorized()
