"""factory_boy factories for services used by the demand tests."""

from __future__ import annotations

import factory

from tellus.catalogue.models import CommunityConsideration, Publicness, Service


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").capitalize())
    group = "Waste"
    description = "A service."
    purpose = "Get the thing done."
    what_matters = ["that it is done when promised", "being told what happens next"]
    value_publicness = Publicness.MIXED
    funding_publicness = Publicness.PUBLIC
    ownership_publicness = Publicness.PUBLIC
    political_control_publicness = Publicness.PUBLIC
    funding_model = Service.FundingModel.RATES_OR_TAX
    responsible_team = "Waste services"


class CommunityConsiderationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityConsideration

    service = factory.SubFactory(ServiceFactory)
    title = factory.Sequence(lambda n: f"Consideration {n}")
    text = "Neighbours rely on this too."
