"""The one public endpoint of Tell us once: a subscriber's signed acknowledgement ("received", "actioned").
Nothing about anyone is ever in its answer: only whether the callback was accepted."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tellus.common.api_errors import json_error

from .services import AcknowledgementRefused, acknowledgement_record


@csrf_exempt  # signed with the subscriber's secret instead (Standard Webhooks), as a server-to-server call
@require_POST
def acknowledge(request: HttpRequest, code: str) -> HttpResponse:
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        acknowledgement_record(subscriber_code=code, body=request.body, headers=headers)
    except AcknowledgementRefused:
        return json_error(401, "The acknowledgement is not signed by this subscriber, or is too old.")
    return JsonResponse({"detail": "Accepted."}, status=202)
