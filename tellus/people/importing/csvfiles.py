"""Reading council CSV files safely: encodings, row numbers, and the rejects file."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tellus.common import spreadsheets

Progress = Callable[[int, int], None]


CHUNK_SIZE = 2000


class ExtractError(Exception):
    """The whole file cannot be loaded: unreadable, no header, or a mapping that does not fit it."""


@dataclass(frozen=True)
class Reject:
    row_number: int
    reason: str
    values: Sequence[str]


class RowError(ValueError):
    """Why one row cannot be loaded; `category` groups reasons in the summary."""

    def __init__(self, category: str, message: str) -> None:
        super().__init__(message)
        self.category = category


SURROGATE = re.compile("[\udc80-\udcff]")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_text(path: Path, encoding: str) -> TextIO:
    try:
        return open(path, encoding=encoding, errors="surrogateescape", newline="")
    except FileNotFoundError as exc:
        raise ExtractError(f"file not found: {path}") from exc
    except IsADirectoryError as exc:
        raise ExtractError(f"{path} is a directory, not a CSV file") from exc
    except OSError as exc:
        raise ExtractError(f"cannot read {path}: {exc.strerror}") from exc


def count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


class RejectsWriter:
    """Writes refused rows, with their row number and reason, to a CSV beside the extract."""

    def __init__(self, path: Path, header: list[str], encoding: str) -> None:
        self.path = path
        self.header = header
        self.encoding = encoding
        self.handle: TextIO | None = None
        self.writer: Any = None
        self.count = 0

    def write(self, reject: Reject) -> None:
        if self.handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Opened on the first reject only and closed by close(), so a clean import leaves no file behind.
            self.handle = open(self.path, "w", encoding=self.encoding, errors="surrogateescape", newline="")  # noqa: SIM115
            self.writer = spreadsheets.writer(self.handle)
            self.writer.writerow(["row_number", "reason", *self.header])
        self.writer.writerow([reject.row_number, reject.reason, *reject.values])
        self.count += 1

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")
