"""The `tellus` command: Django's management commands under the names a council's staff would type."""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "import_extract"}


def command_name(word: str) -> str:
    """`tellus import` runs `import_extract`; `tellus linkage-eval` runs `linkage_eval`."""
    return ALIASES.get(word, word.replace("-", "_"))


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tellus.settings.local")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = command_name(args[0])
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["tellus", *args])
    except ImproperlyConfigured as exc:
        # A missing secret key or a malformed DATABASE_URL deserves one clear line, not a traceback.
        sys.stderr.write(f"tellus: configuration error: {exc}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
