"""Start-up time of the chain-free `linli` commands, relative to `python -c "import typer, rich.console"`.

Each case is a fresh process (what a person at the terminal waits for); the cases run interleaved in every
round, so a burst of other work on the machine slows them alike, and each figure is the median over rounds.
The target is a ratio of at most 4 to the baseline measured in the same run.

    .venv/bin/python benchmarks/cli_startup.py [--rounds N] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 4.0
PY = sys.executable
LINLI = [str(Path(PY).with_name("linli"))]  # the console script, as a person at the terminal runs it
EXAMPLES = ROOT / "examples"


def cases(tmp: Path) -> dict[str, list[str]]:
    return {
        "baseline: import typer, rich.console": [PY, "-c", "import typer, rich.console"],
        "linli --help": [*LINLI, "--help"],
        "linli rules check examples/rules.toml": [*LINLI, "rules", "check", str(EXAMPLES / "rules.toml")],
        "linli month close --dry-run (30 members)": [
            *LINLI, "month", "close", "2026-11", "--members", str(EXAMPLES / "members.csv"),
            "--orders", str(EXAMPLES / "orders.csv"), "--activities", str(EXAMPLES / "activities.csv"),
            "--rules", str(EXAMPLES / "rules.toml"), "--dry-run"],
        "linli admin public-key": [*LINLI, "admin", "public-key", "--admin-key-file", str(tmp / "admin.key")],
        "linli vote --help": [*LINLI, "vote", "--help"],
    }


def bytecode_env(tmp: Path) -> dict[str, str]:
    """Bytecode cached, as an installed package has it (pip compiles at install), but outside the tree: a
    machine-wide PYTHONDONTWRITEBYTECODE would otherwise make every start compile Linli from source."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}


def run_once(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    return elapsed


def measure(rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        (tmp / "admin.key").write_text("11" * 32 + "\n", encoding="ascii")
        commands, env = cases(tmp), bytecode_env(tmp)
        for command in commands.values():  # warm the file cache and the bytecode caches once
            run_once(command, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():
                samples[name].append(run_once(command, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="Interleaved rounds (1..100).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    if not 1 <= args.rounds <= 100:
        parser.error("--rounds must be 1..100")
    medians = measure(args.rounds)
    baseline = next(iter(medians.values()))
    rows = [{"case": name, "median_s": round(seconds, 3), "ratio": round(seconds / baseline, 2),
             "within_target": seconds / baseline <= TARGET_RATIO} for name, seconds in medians.items()]
    if args.json:
        print(json.dumps({"rounds": args.rounds, "target_ratio": TARGET_RATIO, "cases": rows}, indent=2))
        return
    print(f"median of {args.rounds} interleaved rounds; target: at most {TARGET_RATIO:g}x the baseline")
    for row in rows:
        mark = "ok" if row["within_target"] else "OVER"
        print(f"  {row['case']:<44} {row['median_s']:7.3f} s  {row['ratio']:5.2f}x  {mark}")


if __name__ == "__main__":
    main()
