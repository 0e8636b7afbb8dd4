"""The design documentation is the repository's own (docs/README.md "Citing these documents").

No file cites a design document the repository does not contain, and every citation of the form
`docs/<file>.md "<Heading>"` (or, inside docs/, a Markdown link `[…](<file>.md) "<Heading>"`) names a file
that exists and a heading it has: exactly, or without the heading's trailing parenthesis, so
`"Monthly pool"` finds `## Monthly pool (共享分红池)`. A renamed heading therefore fails here until its
citations follow it.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOREIGN = "DESIGN" + ".md"  # spelled in two pieces so that this file does not cite it
DOCS = "docs"  # the self-test's citations are built from it, so this file's own scan does not read them
SKIPPED_DIRS = {"node_modules", "build", "out", "__pycache__", "linli.egg-info"}
SUFFIXES = {".py", ".sol", ".js", ".mjs", ".sh", ".md", ".toml", ".yaml", ".yml", ".html", ".css", ".ini", ".cfg",
            ".txt"}
CITATION = re.compile(r'\bdocs/([\w.-]+\.md)(?:\s+"([^"\n]+)")?')
LINK = re.compile(r'\]\(([\w./-]+\.md)(?:#[^)\s]*)?\)(?:\s+"([^"\n]+)")?')
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)$")


def source_files(root: Path) -> Iterator[Path]:
    """Text files a maintainer edits: not dependencies, build output or hidden directories (.venv, .git)."""
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts[:-1]
        if any(p in SKIPPED_DIRS or p.startswith(".") for p in parts):
            continue
        if path.is_file() and (path.suffix in SUFFIXES or path.name == "Makefile"):
            yield path


def headings(markdown: Path) -> set[str]:
    """Every heading outside fenced code, as written and without its trailing parenthesis."""
    found: set[str] = set()
    fenced = False
    for line in markdown.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match:
            found.add(match.group(1))
            found.add(TRAILING_PARENTHESIS.sub("", match.group(1)))
    return found


def citations(root: Path, path: Path) -> Iterator[tuple[int, Path, str | None]]:
    """(line, cited file, cited heading or None) for every citation in `path`."""
    text = path.read_text(encoding="utf-8", errors="replace")
    for match in CITATION.finditer(text):
        yield text.count("\n", 0, match.start()) + 1, root / "docs" / match.group(1), match.group(2)
    if path.suffix == ".md" and path.parent == root / "docs":
        for match in LINK.finditer(text):
            yield text.count("\n", 0, match.start()) + 1, (path.parent / match.group(1)).resolve(), match.group(2)


def foreign_citations(root: Path) -> list[str]:
    """`file:line` of every mention of the design document that is not in the repository."""
    hits = []
    for path in source_files(root):
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if FOREIGN in line:
                hits.append(f"{path.relative_to(root)}:{number}")
    return hits


def broken_citations(root: Path) -> tuple[int, list[str]]:
    """How many citations were checked, and each one whose file or heading does not exist."""
    known: dict[Path, set[str]] = {}
    checked, broken = 0, []
    for path in source_files(root):
        for number, cited, section in citations(root, path):
            checked += 1
            where = f"{path.relative_to(root)}:{number}"
            if not cited.is_file():
                broken.append(f"{where}: {cited.relative_to(root) if cited.is_relative_to(root) else cited} "
                              "does not exist")
                continue
            if section is None:
                continue
            if cited not in known:
                known[cited] = headings(cited)
            if section not in known[cited]:
                broken.append(f'{where}: {cited.relative_to(root)} has no heading "{section}"')
    return checked, broken


def test_no_file_cites_a_design_document_outside_the_repository() -> None:
    assert foreign_citations(ROOT) == []


def test_every_docs_citation_names_an_existing_file_and_heading() -> None:
    checked, broken = broken_citations(ROOT)
    assert broken == []
    assert checked >= 20, f"only {checked} citations found: is the pattern still right?"


def test_the_index_lists_every_document_and_the_readme_points_to_it() -> None:
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\]\(([\w-]+\.md)\)", index))
    assert listed == {p.name for p in (ROOT / "docs").glob("*.md")} - {"README.md"}
    assert "docs/README.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_checks_find_foreign_and_broken_citations(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "pool.md").write_text(
        "# Pool\n\n## Monthly pool (共享分红池)\n\n```\n## Not a heading\n```\n\n"
        'See [other.md](other.md) "Anything" and [pool.md](pool.md) "Monthly pool".\n', encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "ok.py").write_text(
        f'"""({DOCS}/pool.md "Monthly pool") ({DOCS}/pool.md "Monthly pool (共享分红池)") ({DOCS}/pool.md)\n'
        f'({DOCS}/pool.md\n"Monthly pool")"""\n', encoding="utf-8")
    (tmp_path / "pkg" / "bad.sol").write_text(
        f'// {DOCS}/pool.md "Monthly poo"\n// {DOCS}/pool.md "Not a heading"\n// {DOCS}/missing.md\n'
        f"// see {FOREIGN}\n", encoding="utf-8")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "dep.js").write_text(f'// {FOREIGN} {DOCS}/gone.md "X"\n', encoding="utf-8")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "lib.py").write_text(f"# {FOREIGN}\n", encoding="utf-8")

    assert foreign_citations(tmp_path) == ["pkg/bad.sol:4"]
    checked, broken = broken_citations(tmp_path)
    assert checked == 9
    assert broken == [
        f"{DOCS}/pool.md:9: {DOCS}/other.md does not exist",
        f'pkg/bad.sol:1: {DOCS}/pool.md has no heading "Monthly poo"',
        f'pkg/bad.sol:2: {DOCS}/pool.md has no heading "Not a heading"',
        f"pkg/bad.sol:3: {DOCS}/missing.md does not exist",
    ]
