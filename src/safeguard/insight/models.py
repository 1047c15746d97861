"""What the business unit enters: quarterly values of measures and comparison files.

Neither refers to a person: an entered value is a partnership-wide figure, a
comparison row is a national or statistical-neighbour figure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MeasureValue(models.Model):
    """One quarter's value of a meaningful measure the record cannot answer.

    Rows are never changed: a correction is a new row, so the history of who entered
    what, and when, stays; the latest row for a measure and quarter is its value.
    """

    measure_key = models.CharField(max_length=80, db_index=True)
    period = models.CharField(max_length=12, help_text="A quarter, like 2026Q3.")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(blank=True, help_text="Where the figure comes from.")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["measure_key", "period", "-entered_at", "-pk"]
        indexes = [models.Index(fields=["measure_key", "period", "entered_at"])]

    def __str__(self) -> str:
        return f"{self.measure_key} {self.period}: {self.value}"


class ComparisonUpload(models.Model):
    """One comparison file as uploaded: national or statistical-neighbour figures."""

    filename = models.CharField(max_length=200)
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class ComparisonFigure(models.Model):
    """One row of a comparison file: a measure's value for an area in a period."""

    upload = models.ForeignKey(ComparisonUpload, on_delete=models.CASCADE, related_name="figures")
    measure_key = models.CharField(max_length=80, db_index=True)
    period = models.CharField(max_length=12)
    area = models.CharField(max_length=100)
    value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["measure_key", "area", "period"]

    def __str__(self) -> str:
        return f"{self.area} {self.measure_key} {self.period}: {self.value}"
