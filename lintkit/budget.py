"""A time budget for linting one service: `with time_budget(seconds):` raises OutOfTime inside the
block once the seconds have passed, wherever the work is (a SIGALRM timer).

OutOfTime derives from BaseException so that the `except Exception` around each rule, which keeps
one rule's bug from hiding the others' findings, does not swallow it. The timer works where signals
can be delivered, the main thread of a process (the command line and each `--jobs` worker); in
another thread (the language server lints in one) the block runs without a budget.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


DEFAULT_SERVICE_TIMEOUT = 60.0
"""Seconds one service may take (the largest real service lints in well under one)."""


class OutOfTime(BaseException):
    """The service's time budget ran out."""


def _expire(signum, frame):
    raise OutOfTime()


@contextmanager
def time_budget(seconds: float):
    usable = seconds and seconds > 0 and hasattr(signal, "setitimer") \
        and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
