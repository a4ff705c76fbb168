"""Progress lines for long commands: a live counter on a terminal, a line every tenth otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressPrinter:
    def __init__(self, label: str, *, stream: TextIO | None = None, min_total: int = 5000) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.min_total = min_total
        self.started = time.monotonic()
        self.last_step = -1
        self.last_draw = 0.0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        if total < self.min_total:
            return
        fraction = done / total if total else 1.0
        if self.tty:
            now = time.monotonic()
            if now - self.last_draw < 0.2 and done < total:
                return
            self.last_draw = now
            self.stream.write(f"\r{self.label}: {done:,} / {total:,} rows ({fraction:.0%})")
            if done >= total:
                self.stream.write("\n")
        else:
            step = int(fraction * 10)
            if step == self.last_step:
                return
            self.last_step = step
            self.stream.write(f"{self.label}: {done:,} / {total:,} rows ({fraction:.0%})\n")
        self.stream.flush()
