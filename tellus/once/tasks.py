"""Background tasks (django-tasks, run by `tellus worker` from the database queue)."""

from __future__ import annotations

from django_tasks import task

from .services import delivery_attempt


@task(queue_name="once")
def deliver(delivery_id: int) -> str:
    """Try one delivery. Safe to run twice: the delivery's lease lets only one try at a time through."""
    return delivery_attempt(delivery_id)
