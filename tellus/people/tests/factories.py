"""factory_boy factories for people and their source records."""

from __future__ import annotations

import datetime as dt

import factory

from tellus.common.text import normalise_name
from tellus.people.models import Person, Property, SourceRecord, SourceSystem


class SourceSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceSystem
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"system-{n}")
    title = factory.LazyAttribute(lambda o: o.name.replace("-", " ").title())
    kind = SourceSystem.Kind.OTHER
    owning_team = "Customer services"


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    reference = factory.Sequence(lambda n: f"{100000000 + n}")
    address_line_1 = factory.Sequence(lambda n: f"{n + 1} Station Road")
    locality = "Tellham"
    postcode = "TL1 1AA"
    ward = "North"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    display_name = "Alice Example"
    date_of_birth = dt.date(1980, 5, 17)


class SourceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceRecord

    source_system = factory.SubFactory(SourceSystemFactory)
    source_key = factory.Sequence(lambda n: f"K{n:06d}")
    first_name = "Alice"
    last_name = "Example"
    name_normalised = factory.LazyAttribute(lambda o: normalise_name(f"{o.first_name} {o.last_name}"))
    last_name_normalised = factory.LazyAttribute(lambda o: normalise_name(o.last_name))
    date_of_birth = dt.date(1980, 5, 17)
    address = "1 Station Road, Tellham"
    postcode = "TL1 1AA"
    raw = factory.LazyAttribute(lambda o: {"key": o.source_key, "name": f"{o.first_name} {o.last_name}"})
    row_hash = factory.Sequence(lambda n: f"{n:064d}")
