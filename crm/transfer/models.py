"""Import batches: what one confirmed import wrote, so that it can be undone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One uploaded file: previewed, then imported (and perhaps undone)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not imported")
        IMPORTED = "imported", _("Imported")
        UNDONE = "undone", _("Undone")

    resource = models.CharField(max_length=20, verbose_name=_("resource"))
    file_name = models.CharField(max_length=255, verbose_name=_("file name"))
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PREVIEWED,
        verbose_name=_("status"),
    )
    # The upload, kept between the preview and the confirmation only.
    data = models.BinaryField(editable=False, default=bytes, verbose_name=_("data"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    imported_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("imported at")
    )
    undone_at = models.DateTimeField(null=True, blank=True, verbose_name=_("undone at"))
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("undone by"),
    )
    rows_total = models.PositiveIntegerField(default=0, verbose_name=_("rows total"))
    rows_created = models.PositiveIntegerField(
        default=0, verbose_name=_("rows created")
    )
    rows_updated = models.PositiveIntegerField(
        default=0, verbose_name=_("rows updated")
    )
    rows_skipped = models.PositiveIntegerField(
        default=0,
        help_text=_("Unchanged rows, duplicates and (if asked) rows in error."),
        verbose_name=_("rows skipped"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return f"Import #{self.pk}: {self.file_name}"

    @property
    def change_reason(self):
        """Stamped on each history entry the import writes, and looked for by Undo."""
        return f"Import #{self.pk}"


class ImportedRecord(models.Model):
    """A record an import created or updated."""

    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="records",
        verbose_name=_("batch"),
    )
    model = models.CharField(
        max_length=100, verbose_name=_("model")
    )  # "investors.investor"
    object_id = models.PositiveBigIntegerField(verbose_name=_("object id"))
    created = models.BooleanField(verbose_name=_("created"))

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        ordering = ["id"]

    def __str__(self):
        return f"{self.model} {self.object_id}"
