from django.http import HttpRequest, HttpResponse


def search(request: HttpRequest) -> HttpResponse:
    return HttpResponse("placeholder")
