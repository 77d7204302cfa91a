"""Import batches: what one confirmed import wrote, so that it can be undone."""

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """One uploaded file: previewed, then imported (and perhaps undone)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed, not imported"
        IMPORTED = "imported", "Imported"
        UNDONE = "undone", "Undone"

    resource = models.CharField(max_length=20)
    file_name = models.CharField(max_length=255)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    # The upload, kept between the preview and the confirmation only.
    data = models.BinaryField(editable=False, default=bytes)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(
        default=0, help_text="Unchanged rows, duplicates and (if asked) rows in error."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "import batch"
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"Import #{self.pk}: {self.file_name}"

    @property
    def change_reason(self):
        """Stamped on each history entry the import writes, and looked for by Undo."""
        return f"Import #{self.pk}"


class ImportedRecord(models.Model):
    """A record an import created or updated."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="records"
    )
    model = models.CharField(max_length=100)  # "investors.investor"
    object_id = models.PositiveBigIntegerField()
    created = models.BooleanField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.model} {self.object_id}"
