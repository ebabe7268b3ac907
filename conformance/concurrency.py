"""Races between processes, for the configurations whose store outlives a process.

Threads (`novadb.conformance.helpers.race`) share one driver; processes each
load their own, over their own connections, as the workers of a real cloud
do.  `process_race` starts the workers with the *spawn* method (a fresh
interpreter: no connection or lock is inherited), configures each one with the
configuration's flags, releases them together and collects what each call
returned or raised.
"""
from __future__ import annotations

import multiprocessing
import queue as queue_module
import traceback
from typing import Any, Callable, NamedTuple

import pytest

import novadb
from novadb import exception
from novadb.conformance.provision import Provisioner

__all__ = ["Outcome", "process_race", "PROCESSES", "needs_processes", "one_winner"]

#: How many processes a process race starts.
PROCESSES = 4


class Outcome(NamedTuple):
    """What one worker's call did: `value` it returned, or the `error` it raised
    (the novadb exception's class name), or a foreign error that `escaped`."""

    index: int
    value: Any = None
    error: str | None = None
    escaped: str | None = None


def needs_processes(configuration: Provisioner) -> None:
    """Fail unless the configuration's store is shared between processes.

    A test marked ``@pytest.mark.processes`` is generated only for the
    persistent configurations; this guards one run by hand on another.
    """
    if not configuration.persistent:
        pytest.fail(f"{configuration.name}: its store lives in one process", pytrace=False)


def _worker(flags: dict[str, Any], target: Callable[[int], Any], index: int,
            barrier: Any, results: Any) -> None:
    try:
        novadb.configure(**flags)
        barrier.wait(60)
        try:
            results.put(Outcome(index, value=target(index)))
        except exception.NovaException as exc:
            results.put(Outcome(index, error=type(exc).__name__))
    except BaseException:  # noqa: BLE001 - reported to the parent
        results.put(Outcome(index, escaped=traceback.format_exc(limit=8)))


def process_race(configuration: Provisioner, target: Callable[[int], Any],
                 workers: int = PROCESSES, timeout: float = 120.0) -> list[Outcome]:
    """Run ``target(i)`` for i in range(workers), each in its own process on the
    configuration's store, started together; the outcomes in index order.

    `target` must be importable by name (a module-level function) and return
    something picklable.  A worker that lets a non-novadb error escape, hangs
    or dies fails the test.
    """
    needs_processes(configuration)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [context.Process(target=_worker, daemon=True,
                                 args=(configuration.flags(), target, i, barrier, results))
                 for i in range(workers)]
    for process in processes:
        process.start()
    outcomes: dict[int, Outcome] = {}
    try:
        while len(outcomes) < workers:
            try:
                outcome = results.get(timeout=timeout)
            except queue_module.Empty:
                pytest.fail(f"process race: {workers - len(outcomes)} of {workers} workers "
                            f"gave no answer in {timeout:.0f} s", pytrace=False)
            outcomes[outcome.index] = outcome
    finally:
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.kill()
    escaped = [o.escaped for o in outcomes.values() if o.escaped]
    if escaped:
        pytest.fail(f"a worker process failed:\n{escaped[0]}", pytrace=False)
    return [outcomes[i] for i in range(workers)]


def one_winner(outcomes: list[Outcome], loser: type[exception.NovaException]) -> Any:
    """What the one worker that succeeded returned; every other worker raised
    `loser` (the process counterpart of `helpers.one_winner`)."""
    won = [o.value for o in outcomes if o.error is None]
    assert len(won) == 1, f"{len(won)} winners: {[o.error for o in outcomes]}"
    assert sorted(o.error for o in outcomes if o.error) == \
        [loser.__name__] * (len(outcomes) - 1)
    return won[0]
