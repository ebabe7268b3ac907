"""Conformance of the task log functions of the hosts area."""
from __future__ import annotations

import datetime

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.hosts import PERIOD_BEGINNING, PERIOD_ENDING, TASK_LOG, begin_task

covers = pytest.mark.covers

NAME = "instance_usage_audit"
BEGIN = PERIOD_BEGINNING
END = PERIOD_ENDING
BEGIN_TEXT = "2012-10-01 00:00:00"
END_TEXT = "2012-10-31 23:59:59"


def _all(novadb_db, ctx=None, **filters):
    return novadb_db.task_log_get_all(ctx or h.admin("yes"), NAME, BEGIN, END, **filters)


# -- task_log_begin_task ---------------------------------------------------------------------

@covers("task_log_begin_task")
def test_task_log_begin_task_returns_a_running_task(novadb_db, novadb_admin_ctx):
    task = novadb_db.task_log_begin_task(novadb_admin_ctx, NAME, BEGIN, END, "host1")
    h.assert_record(task, TASK_LOG)
    h.assert_new(task)
    assert (task.task_name, task.host, task.state) == (NAME, "host1", "RUNNING")
    assert (task.period_beginning, task.period_ending) == (BEGIN_TEXT, END_TEXT)
    assert (task.errors, task.task_items, task.message) == (0, 0, "")
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, BEGIN, END, "host1") == task


@covers("task_log_begin_task")
def test_task_log_begin_task_stores_items_and_message(novadb_db, novadb_admin_ctx):
    task = novadb_db.task_log_begin_task(novadb_admin_ctx, NAME, BEGIN, END, "host1", task_items=42,
                                  message="started", session=object())
    assert (task.task_items, task.message) == (42, "started")
    task = novadb_db.task_log_begin_task(novadb_admin_ctx, NAME, BEGIN, END, "host2", 0, "")
    assert (task.task_items, task.message) == (0, "")


@covers("task_log_begin_task")
def test_task_log_begin_task_stores_periods_as_millisecond_text(novadb_db, novadb_admin_ctx):
    begin = datetime.datetime(2012, 10, 1, 12, 30, 15, 123456)
    end = datetime.datetime(2012, 10, 2, 0, 0, 0, 999)
    task = novadb_db.task_log_begin_task(novadb_admin_ctx, NAME, begin, end, "host1")
    assert (task.period_beginning, task.period_ending) == \
        ("2012-10-01 12:30:15.123000", "2012-10-02 00:00:00")
    aware = datetime.datetime(2012, 10, 1, 14, 30, 15, 123999,
                              tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, aware, end, "host1") == task
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, "2012-10-01 12:30:15.123000",
                           "2012-10-02 00:00:00", "host1") == task
    text = novadb_db.task_log_begin_task(novadb_admin_ctx, NAME, "last month", "now", "host1")
    assert (text.period_beginning, text.period_ending) == ("last month", "now")


@covers("task_log_begin_task")
def test_task_log_begin_task_refuses_a_second_run_of_the_same_period(novadb_db, novadb_admin_ctx):
    begin_task(novadb_db, novadb_admin_ctx)
    with h.writes_nothing(lambda: _all(novadb_db)):
        for mode in ("no", "yes", "only"):
            with h.raises(exception.TaskAlreadyRunning, task_name=NAME, host="host1"):
                novadb_db.task_log_begin_task(h.admin(mode), NAME, BEGIN, END, "host1")
    novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, END, "host1", errors=0)
    with h.raises(exception.TaskAlreadyRunning, task_name=NAME, host="host1"):
        novadb_db.task_log_begin_task(novadb_admin_ctx, NAME, BEGIN, END, "host1")
    # Any other host, name or period is another run.
    novadb_db.task_log_begin_task(novadb_admin_ctx, NAME, BEGIN, END, "host2")
    novadb_db.task_log_begin_task(novadb_admin_ctx, "other_task", BEGIN, END, "host1")
    novadb_db.task_log_begin_task(novadb_admin_ctx, NAME, BEGIN, END + datetime.timedelta(days=1), "host1")
    assert len(_all(novadb_db)) == 2


@covers("task_log_begin_task")
def test_task_log_begin_task_conflict_names_the_arguments_as_given(novadb_db, novadb_admin_ctx):
    task = novadb_db.task_log_begin_task(novadb_admin_ctx, 5, BEGIN, END, 7)
    assert (task.task_name, task.host) == ("5", "7")
    with h.writes_nothing(lambda: novadb_db.task_log_get_all(h.admin("yes"), "5", BEGIN, END)):
        with h.raises(exception.TaskAlreadyRunning, task_name=5, host=7):
            novadb_db.task_log_begin_task(novadb_admin_ctx, 5, BEGIN, END, 7)
        with h.raises(exception.TaskAlreadyRunning, task_name="5", host="7"):
            novadb_db.task_log_begin_task(novadb_admin_ctx, "5", BEGIN_TEXT, END_TEXT, "7")


@covers("task_log_begin_task")
@pytest.mark.parametrize("args, kwargs", [
    ((NAME, None, END, "host1"), {}),
    ((NAME, BEGIN, None, "host1"), {}),
    ((NAME, BEGIN, END, None), {}),
    ((None, BEGIN, END, "host1"), {}),
    (("t" * 256, BEGIN, END, "host1"), {}),
    ((NAME, BEGIN, END, "h" * 256), {}),
    ((NAME, BEGIN, END, "host1"), {"task_items": "many"}),
    ((NAME, BEGIN, END, "host1"), {"message": "m" * 256}),
    ((NAME, datetime.date(2012, 10, 1), END, "host1"), {}),
], ids=["begin-none", "end-none", "host-none", "name-none", "name-too-long",
        "host-too-long", "items-text", "message-too-long", "begin-date"])
def test_task_log_begin_task_rejects_bad_arguments_and_writes_nothing(novadb_db, novadb_admin_ctx, args,
                                                                      kwargs):
    with h.raises_invalid():
        novadb_db.task_log_begin_task(novadb_admin_ctx, *args, **kwargs)
    assert novadb_db.task_log_get_all(h.admin("yes"), NAME, BEGIN, END) == []
    assert novadb_db.task_log_begin_task(novadb_admin_ctx, NAME, BEGIN, END, "host1").id is not None


# -- task_log_end_task -----------------------------------------------------------------------

@covers("task_log_end_task")
def test_task_log_end_task_marks_the_task_done(novadb_db, novadb_admin_ctx):
    task = begin_task(novadb_db, novadb_admin_ctx, task_items=5, message="started")
    done = novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, END, "host1", errors=2,
                                message="finished", session=None)
    h.assert_record(done, TASK_LOG)
    h.assert_updated(done, task)
    assert (done.id, done.state, done.errors, done.message, done.task_items) == \
        (task.id, "DONE", 2, "finished", 5)
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, BEGIN, END, "host1") == done


@covers("task_log_end_task")
def test_task_log_end_task_keeps_the_message_unless_a_new_one_is_given(novadb_db, novadb_admin_ctx):
    begin_task(novadb_db, novadb_admin_ctx, message="started")
    assert novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, END, "host1", 0).message == "started"
    assert novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, END, "host1", 0,
                                "").message == "started"
    # Ending a finished task again succeeds.
    again = novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, END, "host1", 3, "again")
    assert (again.state, again.errors, again.message) == ("DONE", 3, "again")


@covers("task_log_end_task")
def test_task_log_end_task_without_a_run_raises(novadb_db, novadb_admin_ctx):
    begin_task(novadb_db, novadb_admin_ctx)
    with h.writes_nothing(lambda: _all(novadb_db)):
        with h.raises(exception.TaskNotRunning, task_name=NAME, host="host2"):
            novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, END, "host2", 0)
        with h.raises(exception.TaskNotRunning, task_name="other", host="host1"):
            novadb_db.task_log_end_task(novadb_admin_ctx, "other", BEGIN, END, "host1", 0)
        with h.raises(exception.TaskNotRunning, task_name=NAME, host=None):
            novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, END, None, 0)
        with h.raises(exception.TaskNotRunning, task_name=NAME, host="host1"):
            novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, BEGIN, "host1", 0)


@covers("task_log_end_task")
def test_task_log_end_task_honours_read_deleted(novadb_db, novadb_admin_ctx):
    begin_task(novadb_db, novadb_admin_ctx)
    with h.raises(exception.TaskNotRunning, task_name=NAME, host="host1"):
        novadb_db.task_log_end_task(h.admin("only"), NAME, BEGIN, END, "host1", 1)
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, BEGIN, END, "host1").state == "RUNNING"
    assert novadb_db.task_log_end_task(h.admin("yes"), NAME, BEGIN, END, "host1", 1).state == "DONE"


@covers("task_log_end_task")
def test_task_log_end_task_rejects_bad_errors_and_writes_nothing(novadb_db, novadb_admin_ctx):
    begin_task(novadb_db, novadb_admin_ctx)
    with h.writes_nothing(lambda: _all(novadb_db)):
        for bad in ("many", 1.5, [1]):
            with h.raises_invalid():
                novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, END, "host1", bad)
        with h.raises_invalid():
            novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, END, "host1", 0, "m" * 256)


# -- task_log_get ----------------------------------------------------------------------------

@covers("task_log_get")
def test_task_log_get_returns_the_matching_run(novadb_db, novadb_admin_ctx):
    first = begin_task(novadb_db, novadb_admin_ctx)
    second = begin_task(novadb_db, novadb_admin_ctx, host="host2")
    got = novadb_db.task_log_get(novadb_admin_ctx, NAME, BEGIN, END, "host2")
    h.assert_record(got, TASK_LOG)
    assert got == second
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, BEGIN_TEXT, END_TEXT, "host1") == first
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, BEGIN, END, "host1", state="RUNNING") == first
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, BEGIN, END, "host1", "DONE", None) is None


@covers("task_log_get")
def test_task_log_get_returns_none_for_a_miss(novadb_db, novadb_admin_ctx):
    begin_task(novadb_db, novadb_admin_ctx)
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, BEGIN, END, "host3") is None
    assert novadb_db.task_log_get(novadb_admin_ctx, "other", BEGIN, END, "host1") is None
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, END, BEGIN, "host1") is None
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, BEGIN, END, "HOST1") is None
    # An explicit None host means IS NULL, which a task log never is.
    assert novadb_db.task_log_get(novadb_admin_ctx, NAME, BEGIN, END, None) is None


@covers("task_log_get")
def test_task_log_get_honours_read_deleted(novadb_db, novadb_admin_ctx):
    task = begin_task(novadb_db, novadb_admin_ctx)
    assert novadb_db.task_log_get(h.admin("yes"), NAME, BEGIN, END, "host1") == task
    assert novadb_db.task_log_get(h.admin("only"), NAME, BEGIN, END, "host1") is None


# -- task_log_get_all ------------------------------------------------------------------------

@covers("task_log_get_all")
def test_task_log_get_all_lists_runs_of_the_period(novadb_db, novadb_admin_ctx):
    assert novadb_db.task_log_get_all(novadb_admin_ctx, NAME, BEGIN, END) == []
    t1 = begin_task(novadb_db, novadb_admin_ctx, host="host1")
    t2 = begin_task(novadb_db, novadb_admin_ctx, host="host2")
    t3 = begin_task(novadb_db, novadb_admin_ctx, host="host3")
    begin_task(novadb_db, novadb_admin_ctx, task_name="other")
    begin_task(novadb_db, novadb_admin_ctx, period_ending=BEGIN)
    novadb_db.task_log_end_task(novadb_admin_ctx, NAME, BEGIN, END, "host2", 0)
    got = novadb_db.task_log_get_all(novadb_admin_ctx, NAME, BEGIN, END)
    assert isinstance(got, list)
    for record in got:
        h.assert_record(record, TASK_LOG)
    assert [t.id for t in got] == [t1.id, t2.id, t3.id]
    assert [t.id for t in novadb_db.task_log_get_all(novadb_admin_ctx, NAME, BEGIN, END, "host3")] == \
        [t3.id]
    assert [t.id for t in novadb_db.task_log_get_all(novadb_admin_ctx, NAME, BEGIN, END,
                                              state="RUNNING")] == [t1.id, t3.id]
    assert [t.id for t in novadb_db.task_log_get_all(novadb_admin_ctx, NAME, BEGIN_TEXT, END_TEXT,
                                              "host2", "DONE", session=1)] == [t2.id]
    assert novadb_db.task_log_get_all(novadb_admin_ctx, NAME, BEGIN, END, "host1", "DONE") == []


@covers("task_log_get_all")
def test_task_log_get_all_honours_read_deleted(novadb_db, novadb_admin_ctx):
    task = begin_task(novadb_db, novadb_admin_ctx)
    assert novadb_db.task_log_get_all(h.admin("yes"), NAME, BEGIN, END) == [task]
    assert novadb_db.task_log_get_all(h.admin("only"), NAME, BEGIN, END) == []


# -- guards ----------------------------------------------------------------------------------

GUARDED = {
    "task_log_begin_task": (NAME, BEGIN, END, "host2"),
    "task_log_end_task": (NAME, BEGIN, END, "host1", 1),
    "task_log_get": (NAME, BEGIN, END, "host1"),
    "task_log_get_all": (NAME, BEGIN, END),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=covers(n)) for n in GUARDED])
def test_admin_only_task_log_functions_refuse_other_contexts(novadb_db, novadb_admin_ctx, novadb_user_ctx, name):
    begin_task(novadb_db, novadb_admin_ctx)
    h.assert_guarded(getattr(novadb_db, name), GUARDED[name], "admin", lambda: _all(novadb_db))
