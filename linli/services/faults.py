"""Test hook: `LINLI_FAULT_AT=<step>` makes the process SIGKILL itself when it reaches that step.

The crash tests run the real `linli month close` and kill it between two of its steps. The process kills
itself rather than a test watching its output and sending the signal, because only then does the kill land
exactly at the step (a watcher races the process into its next transaction); SIGKILL, like a power cut,
runs no `finally`, no atexit handler and no buffered write. Unset (always, outside tests), it does nothing.
"""
from __future__ import annotations

import os
import signal

FAULT_ENV = "LINLI_FAULT_AT"


def reached(step: str) -> None:
    """Die here, unannounced, if LINLI_FAULT_AT names `step`."""
    if os.environ.get(FAULT_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)
