"""Ordered maps over partitions: in this process, in local processes, or on a Dask cluster.

The stages that split their work (preprocessing pass 1, topic inference,
stance scoring) hand it to :func:`map_partitions` as an iterable of
partitions and a function of one partition. Where the function runs is the
``executor`` config group:

- ``address: null`` (default): local processes, ``n_jobs`` of them (0: one
  per available core); with one job, or when the input is a single
  partition, everything runs in this process;
- ``address: tcp://host:8786``: the Dask scheduler there
  (``dask.distributed``, the optional extra ``dask``).

Results come back in the order of the partitions whatever finishes first, so
outputs never depend on scheduling, and only a few partitions are in flight at
a time (twice the number of workers), so a corpus is streamed through the
workers rather than queued in memory. Functions must be pure and defined at
module level (they are pickled by reference); data every partition needs (a
model, a scorer) is passed once as ``shared`` rather than with each task.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections import deque
from itertools import chain, islice
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar

from .core import config as C
from .core.errors import UserError

log = logging.getLogger("executor")

T = TypeVar("T")
R = TypeVar("R")

#: Seconds to wait for a Dask scheduler to answer, and then for a worker to join it.
CONNECT_TIMEOUT = 10
#: Partitions in flight per worker: one running, one waiting, so no worker idles.
IN_FLIGHT_PER_WORKER = 2

from .core.schema.executor import SCHEMA  # noqa: F401  (re-exported)

#: What a stage uses when it is called without an executor (tests, notebooks): this process only.
IN_PROCESS: dict = {"address": None, "n_jobs": 1, "partition_size": 16}


def from_params(params: Mapping, source: str = C.PARAMS_FILE) -> dict:
    """The validated ``executor`` group of ``params``; a mistake is one :class:`UserError` line."""
    return C.group(params, "executor", SCHEMA, source)


def local_jobs(n_jobs: int) -> int:
    """``n_jobs`` with 0 meaning every core this process may run on."""
    if n_jobs > 0:
        return n_jobs
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check(cfg: Mapping | None) -> None:
    """Fail now, not after hours of work, when the configured Dask scheduler cannot be used.

    Raises
    ------
    UserError
        Dask is not installed, or no scheduler (or no worker) answers at ``executor.address``.
    """
    if cfg and cfg["address"]:
        _connect(cfg["address"]).close()


def describe(cfg: Mapping | None) -> str:
    """Where the work runs, for the stages' log lines."""
    cfg = cfg or IN_PROCESS
    if cfg["address"]:
        return f"Dask scheduler {cfg['address']}"
    n = local_jobs(cfg["n_jobs"])
    return f"{n} local process{'es' if n > 1 else ''}" if n > 1 else "this process"


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter), read lazily."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def map_partitions(fn: Callable[[Any, list], R], partitions: Iterable[list], cfg: Mapping | None = None,
                   shared: Any = None) -> Iterator[R]:
    """Yield ``fn(shared, partition)`` for every partition, in the order of ``partitions``.

    Parameters
    ----------
    fn : callable
        A pure function defined at module level: the same arguments give the
        same result in any process.
    partitions : iterable of list
        Read lazily; at most twice the number of workers are held at a time.
    cfg : mapping, optional
        The validated ``executor`` group; None runs in this process.
    shared : object, optional
        Sent once to each worker (not with every partition) and passed to
        every call of ``fn``.

    Raises
    ------
    UserError
        When ``executor.address`` is set but Dask is not installed, or no
        scheduler (or no worker) answers there.
    """
    cfg = cfg or IN_PROCESS
    if cfg["address"]:
        yield from _dask_map(fn, partitions, cfg["address"], shared)
        return
    n_jobs = local_jobs(cfg["n_jobs"])
    it = iter(partitions)
    head = list(islice(it, 2))
    if n_jobs == 1 or len(head) < 2:
        # One job, or one partition: a pool would only add start-up time.
        for part in head:
            yield fn(shared, part)
        for part in it:
            yield fn(shared, part)
        return
    yield from _pool_map(fn, chain(head, it), n_jobs, shared)


def map_items(fn: Callable[[Any, T], R], items: Iterable[T], cfg: Mapping | None = None,
              shared: Any = None) -> Iterator[R]:
    """Yield ``fn(shared, item)`` for every item, in order, sent in partitions of ``partition_size``."""
    size = (cfg or IN_PROCESS)["partition_size"]
    for results in map_partitions(_each, chunked(items, size), cfg, (fn, shared)):
        yield from results


def _each(fn_shared: tuple, part: list) -> list:
    fn, shared = fn_shared
    return [fn(shared, item) for item in part]


# --------------------------------------------------------------- local processes
_WORKER_SHARED: Any = None


def _init_worker(shared: Any) -> None:
    global _WORKER_SHARED
    _WORKER_SHARED = shared


def _call_in_worker(fn: Callable, part: list) -> Any:
    return fn(_WORKER_SHARED, part)


def _pool_map(fn: Callable, partitions: Iterator[list], n_jobs: int, shared: Any) -> Iterator:
    # fork shares `shared` with the workers without pickling it; elsewhere (macOS,
    # Windows) spawn pickles it once per worker through the initializer.
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    window = IN_FLIGHT_PER_WORKER * n_jobs
    # Pool.imap would read the whole input into its task queue ahead of the workers;
    # a window of apply_async results keeps memory to a few partitions.
    with ctx.Pool(n_jobs, initializer=_init_worker, initargs=(shared,)) as pool:
        pending: deque = deque()
        for part in partitions:
            pending.append(pool.apply_async(_call_in_worker, (fn, part)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


# ------------------------------------------------------------------------ Dask
def _connect(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise UserError(f"executor.address = {address!r} needs Dask: pip install -e '.[dask]' "
                        "(or set executor.address: null for local processes)") from None
    try:
        client = Client(address, timeout=f"{CONNECT_TIMEOUT}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        # distributed reports a refused or silent address as "Timed out trying to connect...",
        # which the sentence already says; a malformed address's own reason is worth showing.
        first = str(exc).splitlines()[0] if str(exc) else ""
        reason = "" if isinstance(exc, TimeoutError) or not first or first.startswith("Timed out") else f" ({first})"
        raise UserError(f"executor.address = {address!r}: no Dask scheduler answered within {CONNECT_TIMEOUT} s"
                        f"{reason}; start one with `dask scheduler`, or set executor.address: null "
                        "for local processes") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        _same_environment(client, address)
    except (OSError, TimeoutError):
        client.close()
        raise UserError(f"executor.address = {address!r}: the Dask scheduler has no worker after "
                        f"{CONNECT_TIMEOUT} s; start some with `dask worker {address}`") from None
    except BaseException:
        client.close()
        raise
    return client


#: Packages whose version can change what a partition's function returns.
_RESULT_PACKAGES = ("numpy", "scipy", "gensim", "syntok", "simplemma", "vaderSentiment", "tomotopy")


def environment() -> dict[str, str | None]:
    """What must match between this process and every Dask process for the same bytes.

    A digest of this package's Python sources, the Python version (major.minor)
    and the versions of the packages the partition functions use (None: not
    installed).
    """
    import hashlib
    import platform
    from importlib import metadata
    from pathlib import Path

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    # Python's minor version fixes pickles and float formatting; patch releases do not change them.
    python = ".".join(platform.python_version_tuple()[:2])
    env: dict[str, str | None] = {"pipeline code": digest.hexdigest()[:12], "Python": python}
    for name in _RESULT_PACKAGES:
        try:
            env[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            env[name] = None
    return env


def _same_environment(client, address: str) -> None:
    """Refuse a cluster whose scheduler or workers run other code or package versions.

    Dask unpickles every task on the scheduler and on a worker; a worker left
    running an older checkout would fail with an obscure unpickling error or,
    worse, return different numbers.
    """
    here = environment()
    try:
        there = {"scheduler": client.run_on_scheduler(environment), **client.run(environment)}
    except Exception as exc:  # noqa: BLE001 - whatever a process that cannot load this code raises
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"executor.address = {address!r}: the Dask cluster cannot load this pipeline's code "
                        f"({first}); install the same commit and packages on the scheduler and every worker "
                        "(pip install -e '.[dask]') and restart them") from None
    for who, env in sorted(there.items()):
        for key, mine in here.items():
            if env.get(key) != mine:
                raise UserError(f"executor.address = {address!r}: {who} has {key} {env.get(key) or 'missing'}, "
                                f"this process {mine or 'missing'}; install the same commit and packages on the "
                                "scheduler and every worker and restart them")


def _dask_map(fn: Callable, partitions: Iterable[list], address: str, shared: Any) -> Iterator:
    client = _connect(address)
    try:
        workers = max(1, sum(client.nthreads().values()))
        log.info("Dask scheduler %s: %d worker thread(s)", address, workers)
        # Scattered once to every worker; tasks receive the workers' own copy. In a list,
        # because scatter() would split a tuple or dict into one future per element.
        shared_ref = client.scatter([shared], broadcast=True, hash=False)[0] if shared is not None else None
        window = IN_FLIGHT_PER_WORKER * workers
        pending: deque = deque()
        for part in partitions:
            # pure=False: no hashing of every partition to deduplicate tasks that never repeat.
            pending.append(client.submit(fn, shared_ref, part, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.close()

