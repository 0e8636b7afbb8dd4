"""The errors Linli raises on purpose.

    LinliError
    ├── BadInput (ValueError)          input data or arguments that cannot be used as given
    │   ├── BadRow                     one row of an imported file, with file, line, field and reason
    │   └── BadFile                    a file refused whole, carrying every BadRow found in it
    ├── RulesError (ValueError)        a rules file that cannot be loaded or breaks a hard bound
    └── VerificationError              a published figure that does not match what it claims

Every message says what is wrong and, where it can, what to do about it; the CLI prints it as one line.
"""
from __future__ import annotations

from collections.abc import Sequence


class LinliError(Exception):
    """Root of every error Linli raises on purpose."""


class BadInput(LinliError, ValueError):
    """Input that cannot be used as given."""


class BadRow(BadInput):
    """One bad row of an imported file."""

    def __init__(self, file: str, line: int, field: str, reason: str) -> None:
        self.file, self.line, self.field, self.reason = file, line, field, reason
        super().__init__(f"{file}:{line}: {field}: {reason}")


class BadFile(BadInput):
    """A file refused whole because at least one of its rows is bad; nothing from it was used."""

    def __init__(self, file: str, rows: Sequence[BadRow]) -> None:
        self.file, self.rows = file, tuple(rows)
        shown = "; ".join(str(r) for r in self.rows[:5])
        more = f" (and {len(self.rows) - 5} more)" if len(self.rows) > 5 else ""
        super().__init__(f"{file}: {len(self.rows)} bad row(s), file refused: {shown}{more}")


class RulesError(LinliError, ValueError):
    """A rules file that cannot be loaded or that breaks a hard bound."""


class VerificationError(LinliError):
    """A published figure that does not match what it claims (signature, hash, root or sum)."""
