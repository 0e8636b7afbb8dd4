"""Rich progress bars on stderr for anything that takes more than a second (`linli.demo.Steps`)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

_console = Console(stderr=True)


def _bar() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=_console, transient=False)


@contextmanager
def step(title: str) -> Iterator[Callable[[int, int], None]]:
    """One progress bar: `progress(done, total)` moves it; it ends full when the step succeeds, and
    disappears when it fails."""
    with _bar() as bar:
        task = bar.add_task(title, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            yield progress
        except BaseException:
            bar.remove_task(task)  # a failed step leaves only its error line behind
            raise
        total = bar.tasks[0].total or 1
        bar.update(task, completed=total, total=total)
