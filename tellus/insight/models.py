"""Insight keeps no data of its own; it reads aggregates of contacts and needs. This model exists only to hold the
permission to see those aggregates, so roles can grant it like any other."""

from __future__ import annotations

from django.db import models


class DemandAnalysis(models.Model):
    """The council's analysis of its demand: counts and shares over many contacts, never one person's contact."""

    class Meta:
        managed = False  # no table: a home for the permission only
        default_permissions = ()
        permissions = [("view_demand_analysis", "Can see demand analysis (aggregates only)")]

    def __str__(self) -> str:
        return "Demand analysis"
