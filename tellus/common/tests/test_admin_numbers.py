"""Django admin takes ids and page numbers written with the digits 0 to 9 only, like every other interface."""

from __future__ import annotations

import pytest

from tellus.people.models import SourceSystem


@pytest.fixture
def admin_client(client, administrator):  # type: ignore[no-untyped-def]
    administrator.is_staff = True  # admin's own door
    administrator.save()
    client.force_login(administrator)
    return client


@pytest.fixture
def system() -> SourceSystem:
    return SourceSystem.objects.create(name="library", title="Library", kind="library", owning_team="Libraries")


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["٣", "²", "+{pk}", " {pk}", "{pk}_0", "\uff10"])
def test_an_object_id_not_in_ascii_digits_is_refused_not_opened(admin_client, system, written) -> None:
    response = admin_client.get(f"/admin/people/sourcesystem/{written.format(pk=system.pk)}/change/")

    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["p=²", "p=٣", "id__exact=٣"])
def test_a_page_or_filter_number_not_in_ascii_digits_is_refused(admin_client, system, query) -> None:
    assert admin_client.get(f"/admin/people/sourcesystem/?{query}").status_code == 400


@pytest.mark.django_db
def test_plain_digits_and_searching_for_any_text_still_work(admin_client, system) -> None:
    assert admin_client.get(f"/admin/people/sourcesystem/{system.pk}/change/").status_code == 200
    assert admin_client.get("/admin/people/sourcesystem/?p=1").status_code == 200
    assert admin_client.get("/admin/people/sourcesystem/?q=٣").status_code == 200
