"""Free text people send: kept as plain text in their own words, never as markup. HTML or script in it is stored
as the characters typed and escaped wherever it is shown, so it can do nothing; control characters are dropped and
over-long text is refused with the limit named."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str, *, limit: int, field: str, required: bool = False) -> str:
    text = unicodedata.normalize("NFC", _CONTROL.sub("", str(value or ""))).replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationError({field: _("Write what the person said.")})
    if len(text) > limit:
        raise ValidationError(
            {field: _("Keep it to %(limit)s characters or fewer (this has %(n)s).") % {"limit": limit, "n": len(text)}}
        )
    return text
