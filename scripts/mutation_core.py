"""What the two mutation scripts (mutation_contracts.py, mutation_python.py) share: the mutant, applying it to a
temporary copy, running a test command with a timeout and nothing left behind, scoring, the common options.

Each script keeps its own mutant list and its own way of copying the project and running its tests; it hands
them to `main` as a `Suite` and a `prepare` function. Our own code rather than a mutation library: see the
scripts' docstrings for why neither mutmut nor a Solidity tool fits.

Nothing outlives a run: each test command runs in its own process group (brownie's node and the `linli serve`
processes the tests start are in it; Linli's own nodes die with their parent), the whole group is ended when
the command returns, times out or is interrupted, and SIGINT, SIGTERM and SIGHUP unwind through the temporary
directory's cleanup instead of killing the script where it stands.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
GRACE_SECONDS = 10  # between asking a timed-out test run to stop and killing what is left of it
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class Mutant:
    """`before` (exactly once in `path`) becomes `after`. `equivalent` says why no test can kill it."""

    name: str
    path: str
    before: str
    after: str
    equivalent: str = ""


@dataclass
class Result:
    """One mutant's fate; `group` is what its score is counted under (a contract file, an area)."""

    name: str
    group: str
    path: str
    status: str  # killed | survived | timeout | stillborn | unapplied | equivalent-killed | equivalent-survived
    seconds: float
    detail: str


class Outcome(NamedTuple):
    """A test command's exit code (-1: timed out) and its output."""

    code: int
    output: str


@dataclass(frozen=True)
class Layout:
    """How a script prints its mutants: the column widths of name, path and group, the group's label."""

    group_label: str
    name_width: int
    path_width: int
    group_width: int


@dataclass(frozen=True)
class Bench:
    """A prepared temporary project: where mutant paths point, its baseline runs (label and command, run in
    order before any mutant) and the test run of one mutant."""

    sources: Path
    baselines: Sequence[tuple[str, Callable[[], Outcome]]]
    test: Callable[[Mutant], Outcome]


@dataclass(frozen=True)
class Suite:
    """A script's mutants and how it reports them; `stillborn` is the output text of a mutant that does not
    compile (empty: every mutant compiles)."""

    mutants: tuple[Mutant, ...]
    group_of: Callable[[Mutant], str]
    layout: Layout
    stillborn: str = ""


def tool_env(**extra: str) -> dict[str, str]:
    """This environment with the project's .venv and node_modules tools first on PATH, no bytecode written
    into the copy, and `extra` on top."""
    tools = (str(ROOT / ".venv" / "bin"), str(ROOT / "node_modules" / ".bin"), os.environ.get("PATH", ""))
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PATH": os.pathsep.join(tools), **extra}


def export(ref: str, into: Path, *paths: str) -> None:
    """`paths` (all when none) of git revision `ref` of the repository, written below `into`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, *paths], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _end_group(process: subprocess.Popen[str]) -> None:
    """SIGTERM to the command's process group, then SIGKILL to what is left once its leader has exited (or
    after GRACE_SECONDS)."""
    _signal_group(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=GRACE_SECONDS)
    _signal_group(process.pid, signal.SIGKILL)


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Outcome:
    """`command`'s exit code and output, or (-1, "timeout") after `timeout` seconds; its process group is
    ended in every case (a returned, timed-out or interrupted run leaves no node or server behind)."""
    with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          start_new_session=True) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _end_group(process)
            process.communicate()
            return Outcome(-1, "timeout")
        except BaseException:
            _end_group(process)
            raise
        _end_group(process)
    return Outcome(process.returncode, output)


def summary_line(output: str) -> str:
    """The first failing test, else pytest's last count line, else the last line (at most 160 characters)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    if failed:
        return failed[0][:160]
    for line in reversed(lines):
        if " passed" in line or " failed" in line or "error" in line.lower():
            return line[:160]
    return lines[-1][:160] if lines else ""


@contextmanager
def mutated(source: Path, mutant: Mutant) -> Iterator[int]:
    """`source` with the mutant applied, restored on leaving; yields how often `before` occurs (the mutant is
    applied only when that is exactly once)."""
    original = source.read_text(encoding="utf-8")
    count = original.count(mutant.before)
    if count != 1:
        yield count
        return
    source.write_text(original.replace(mutant.before, mutant.after), encoding="utf-8")
    try:
        yield count
    finally:
        source.write_text(original, encoding="utf-8")


def classify(outcome: Outcome, mutant: Mutant, stillborn: str) -> str:
    """Killed when the tests fail, survived when they pass, timeout (scored as killed) when cut; equivalent
    mutants carry the prefix and are not scored; with a `stillborn` marker, a mutant that does not compile."""
    if outcome.code == -1:
        return "timeout"
    if stillborn and outcome.code != 0 and stillborn in outcome.output:
        return "stillborn"
    status = "survived" if outcome.code == 0 else "killed"
    return f"equivalent-{status}" if mutant.equivalent else status


def try_mutant(bench: Bench, suite: Suite, mutant: Mutant) -> Result:
    group = suite.group_of(mutant)
    with mutated(bench.sources / mutant.path, mutant) as count:
        if count != 1:
            return Result(mutant.name, group, mutant.path, "unapplied", 0.0,
                          f"its text occurs {count} times in {mutant.path}: update the mutant")
        started = time.monotonic()
        outcome = bench.test(mutant)
    seconds = round(time.monotonic() - started, 1)
    return Result(mutant.name, group, mutant.path, classify(outcome, mutant, suite.stillborn), seconds,
                  summary_line(outcome.output))


def report(results: list[Result], suite: Suite) -> None:
    """Killed and scored per group and in all, then every mutant that was not killed (with its reason)."""
    width = suite.layout.group_width
    by_group: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_group[result.group].append(result)
    print(f"\n{suite.layout.group_label:{width}} {'killed':>7} {'scored':>7} {'score':>6}   "
          f"(timeouts count as killed; equivalent, stillborn and unapplied mutants are not scored)")
    rows = [*by_group.items(), ("all", results)] if len(by_group) > 1 else list(by_group.items())
    for group, items in rows:
        scored = [r for r in items if r.status in ("killed", "survived", "timeout")]
        killed = sum(r.status != "survived" for r in scored)
        score = f"{100 * killed / len(scored):.0f}%" if scored else "-"
        print(f"{group:{width}} {killed:>7} {len(scored):>7} {score:>6}")
    notes = {m.name: m.equivalent for m in suite.mutants}
    for result in results:
        if result.status not in ("killed", "timeout"):
            why = f" ({notes[result.name]})" if notes[result.name] else ""
            print(f"  {result.status}: {result.name}{why}")


def parser(doc: str) -> argparse.ArgumentParser:
    """The options every mutation script has; the script adds its own."""
    made = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    made.add_argument("--only", nargs="+", metavar="PREFIX", help="only the mutants whose name starts so")
    made.add_argument("--list", action="store_true", help="print the sample and exit")
    made.add_argument("--json", type=Path, help="write every result to this file")
    made.add_argument("--skip-baseline", action="store_true", help="do not run the unmutated tests first")
    return made


def _stop_on_signal(signum: int, _frame: FrameType | None) -> None:
    """Unwind (restoring, ending the test run, removing the copy); further signals would cut the cleanup."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _campaign(args: argparse.Namespace, chosen: list[Mutant], suite: Suite,
              prepare: Callable[[Path, list[Mutant]], Bench], prefix: str) -> int:
    with tempfile.TemporaryDirectory(prefix=prefix) as base:
        try:
            bench = prepare(Path(base), chosen)
        except subprocess.CalledProcessError as exc:
            print(f"cannot prepare the temporary project: {' '.join(map(str, exc.cmd))}: "
                  f"{(exc.stderr or b'').decode(errors='replace').strip()}", file=sys.stderr)
            return 2
        for label, command in () if args.skip_baseline else bench.baselines:
            started = time.monotonic()
            outcome = command()
            if outcome.code != 0:
                print(f"{label}: the unmutated code fails its tests: {summary_line(outcome.output)}", file=sys.stderr)
                print(outcome.output[-3000:], file=sys.stderr)
                return 1
            print(f"baseline {label}: {summary_line(outcome.output)} ({time.monotonic() - started:.0f} s)", flush=True)
        results = []
        for index, mutant in enumerate(chosen, 1):
            result = try_mutant(bench, suite, mutant)
            results.append(result)
            print(f"[{index}/{len(chosen)}] {result.status:10} {mutant.name:{suite.layout.name_width}} "
                  f"{result.seconds:6.1f}s  {result.detail}", flush=True)
    report(results, suite)
    if args.json:
        rows = [{"name": r.name, suite.layout.group_label: r.group, "path": r.path, "status": r.status,
                 "seconds": r.seconds, "detail": r.detail} for r in results]
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


def main(args: argparse.Namespace, suite: Suite, keep: Callable[[Mutant], bool],
         prepare: Callable[[Path, list[Mutant]], Bench], prefix: str) -> int:
    """The run a script's options ask for: the mutants `keep` and --only choose, listed, or each tested in the
    project `prepare` makes for them in a fresh temporary directory named `prefix`…. The exit code: 0 done,
    1 a baseline fails, 2 nothing chosen or an unusable option or revision, 130 stopped by a signal."""
    chosen = [m for m in suite.mutants if keep(m) and (not args.only or any(m.name.startswith(p) for p in args.only))]
    if not chosen:
        print("no mutant matches the options given (see --list)", file=sys.stderr)
        return 2
    layout = suite.layout
    if args.list:
        for m in chosen:
            first = m.before.strip().splitlines()[0]
            print(f"{m.name:{layout.name_width}} {m.path:{layout.path_width}} {first!r} -> {m.after.strip()!r}")
        return 0
    if args.json and not args.json.resolve().parent.is_dir():
        print(f"--json: no folder {args.json.resolve().parent} to write {args.json.name} in", file=sys.stderr)
        return 2
    handlers = {sig: signal.signal(sig, _stop_on_signal) for sig in STOP_SIGNALS}
    try:
        return _campaign(args, chosen, suite, prepare, prefix)
    except KeyboardInterrupt as exc:
        print(f"stopped by {exc.args[0] if exc.args else 'SIGINT'}: no temporary copy or test process is left",
              file=sys.stderr)
        return 130
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
