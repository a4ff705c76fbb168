"""Factories for residents' accounts."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from tellus.people.tests.factories import PersonFactory
from tellus.portal.models import ResidentAccount

RESIDENT_PASSWORD = "resident-horse-battery"


class ResidentAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentAccount

    reference = factory.Sequence(lambda n: f"RTEST{n:03d}")
    email = factory.Sequence(lambda n: f"resident{n}@example.org")
    password = factory.LazyFunction(lambda: make_password(RESIDENT_PASSWORD))
    person = factory.SubFactory(PersonFactory)
    tied_by = ResidentAccount.TiedBy.EMAIL_ON_RECORD
