"""Reads for complaint pages, as chainable QuerySet methods (attached in complaints.models)."""

from __future__ import annotations

from django.db import models
from django.db.models import DurationField, ExpressionWrapper, F, Q

from portal import access


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user, school) -> ComplaintQuerySet:
        """Complaints of `school` this user may read: all of them for pastoral staff and
        headteachers, only their own for the member of staff who is point of contact."""
        if school is None or not access.works_with_families(user, school):
            return self.none()
        mine = self.filter(school=school)
        if access.handles_complaints(user, school):
            return mine
        return mine.filter(point_of_contact=user)

    def open(self) -> ComplaintQuerySet:
        return self.exclude(status="resolved")

    def waiting_for_reply(self) -> ComplaintQuerySet:
        """Not resolved and no personal reply recorded yet."""
        return self.open().filter(replied_on__isnull=True)

    def with_response_time(self) -> ComplaintQuerySet:
        """Annotate `response_time`: receipt to first personal response, worked out in SQL."""
        return self.annotate(
            response_time=ExpressionWrapper(
                F("first_response_at") - F("received_at"), output_field=DurationField()
            )
        )

    def for_list(self) -> ComplaintQuerySet:
        return self.select_related("family", "raised_by", "point_of_contact").order_by(
            "-received_at", "-pk"
        )

    def for_detail(self) -> ComplaintQuerySet:
        return self.select_related(
            "school", "family", "raised_by", "point_of_contact", "meeting", "created_by"
        ).with_response_time()

    def search(self, text: str) -> ComplaintQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(about__icontains=text)
            | Q(family__name__icontains=text)
            | Q(raised_by_name__icontains=text)
            | Q(raised_by__last_name__icontains=text)
        )
