"""Error pages shared by every console app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 page, with the reason: Django's own renders a template without the request or the message.

    Only a BadRequest raised by Tellus (its message written for staff) is shown; Django's own reasons for a 400
    (a suspicious Host header, say) are not repeated back."""
    from django.core.exceptions import BadRequest

    message = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"message": message}, status=400)
