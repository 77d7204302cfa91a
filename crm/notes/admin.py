"""Admin for the contact log (interactions) and deal notes."""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.core.admin import CrmModelAdmin
from crm.investors.models import Contact
from crm.notes.follow_ups import QUICK_PICKS, quick_pick_date
from crm.notes.models import DealNote, Interaction
from crm.notes.services import deal_note_save, follow_ups_mark_done, interaction_save
from crm.transfer.admin_lists import TransferAdminMixin


class FollowUpFilter(admin.SimpleListFilter):
    title = _("follow-up")
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Due")),
            ("mine", _("Due — mine")),
            ("scheduled", _("Scheduled")),
            ("done", _("Done")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "due":
                return queryset.follow_up_due()
            case "mine":
                # Whoever logged the contact owns its follow-up.
                return queryset.follow_up_due().filter(logged_by=request.user)
            case "scheduled":
                return queryset.filter(
                    follow_up_on__gt=timezone.localdate(), follow_up_done=False
                )
            case "done":
                return queryset.filter(follow_up_done=True)
        return queryset


class RangeDateHierarchyChangeList(ChangeList):
    """A date hierarchy read from the list's first and last dates.

    Django lists the years that have rows (or a year's months, a month's
    days) by truncating and de-duplicating the date of every row: a scan of
    the whole contact log. Here the first and the last date are two reads of
    the date's index (ORDER BY ... LIMIT 1) and every period between them is
    offered, so a year, month or day without contacts can show and lead to an
    empty list. Rendered by the interaction's change_list.html.
    """

    @cached_property
    def date_hierarchy_links(self):
        """What Django's `date_hierarchy` tag gives its template: show, back, choices."""
        field = self.date_hierarchy
        year_field, month_field, day_field = (
            f"{field}__{part}" for part in ("year", "month", "day")
        )
        year = self.params.get(year_field)
        month = self.params.get(month_field)
        if year and month and self.params.get(day_field):
            return date_hierarchy(self)  # One day: Django runs no query for it.

        def link(filters):
            return self.get_query_string(filters, [f"{field}__"])

        dates = self.queryset.order_by(field).values_list(field, flat=True)
        # The list is already narrowed to the chosen year or month.
        first, last = (self._local(dates.first()), self._local(dates.last()))
        if first and not year and first.year == last.year:
            # One year of contacts (or one month): start a level down, as Django does.
            year = first.year
            if first.month == last.month:
                month = first.month
        if year and month:
            days = range(first.day, last.day + 1) if first else []
            return {
                "show": True,
                "back": {"link": link({year_field: year}), "title": str(year)},
                "choices": [
                    {
                        "link": link(
                            {year_field: year, month_field: month, day_field: day}
                        ),
                        "title": capfirst(
                            formats.date_format(
                                datetime.date(int(year), int(month), day),
                                "MONTH_DAY_FORMAT",
                            )
                        ),
                    }
                    for day in days
                ],
            }
        if year:
            months = range(first.month, last.month + 1) if first else []
            return {
                "show": True,
                "back": {"link": link({}), "title": _("All dates")},
                "choices": [
                    {
                        "link": link({year_field: year, month_field: month}),
                        "title": capfirst(
                            formats.date_format(
                                datetime.date(int(year), month, 1), "YEAR_MONTH_FORMAT"
                            )
                        ),
                    }
                    for month in months
                ],
            }
        years = range(first.year, last.year + 1) if first else []
        return {
            "show": True,
            "back": None,
            "choices": [
                {"link": link({year_field: str(year)}), "title": str(year)}
                for year in years
            ],
        }

    @staticmethod
    def _local(value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value)
        return value


class PeopleOfInvestorWidget(AutocompleteSelectMultiple):
    """The people-present autocomplete, offering only the chosen investor's people.

    crm/log-contact.js sends the investor field's value along with each
    search; ContactAdmin.get_search_results narrows the people to it.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-forward-investor"] = "id_investor"
        return attrs

    @property
    def media(self):
        # After autocomplete.js, whose widgets the script sets up again:
        # named here too, so that merging the lists keeps that order.
        return super().media + forms.Media(
            js=["admin/js/autocomplete.js", "crm/log-contact.js"]
        )


class InteractionForm(forms.ModelForm):
    # `contacts` goes through InteractionContact, which a ModelForm cannot
    # save (admin.E013): this field carries the people present to the service.
    people_present = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.all(),
        required=False,
        widget=PeopleOfInvestorWidget(
            Interaction._meta.get_field("contacts"), admin.site
        ),
        help_text=_("Each must work at the investor; only its people are offered."),
    )
    # Radio buttons, not a script: one click, with or without JavaScript.
    follow_up_in = forms.ChoiceField(
        label=_("Quick pick"),
        choices=[("", _("None")), *QUICK_PICKS],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "crm-quick-picks"}),
        help_text=_(
            "Sets the follow-up date, counted from today (it replaces a date given above)."
        ),
    )

    class Meta:
        model = Interaction
        fields = [
            "kind",
            "occurred_at",
            "investor",
            "company",
            "round",
            "summary",
            "details",
            "follow_up_on",
            "follow_up_done",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "people_present" in self.fields:
            self.initial.setdefault(
                "people_present",
                [contact.pk for contact in self.instance.contacts.all()],
            )

    def clean(self):
        cleaned_data = super().clean()
        if pick := cleaned_data.get("follow_up_in"):
            cleaned_data["follow_up_on"] = quick_pick_date(pick, timezone.localdate())
        return cleaned_data

    def _post_clean(self):
        # After the instance is built, so the model's own rule can judge the
        # people present against the chosen investor (as the service will).
        super()._post_clean()
        people = self.cleaned_data.get("people_present")
        if not people or not self.instance.investor_id:
            return
        try:
            self.instance.clean_contacts(people)
        except ValidationError as error:
            self.add_error("people_present", error.message_dict["contacts"])


@admin.register(Interaction)
class InteractionAdmin(TransferAdminMixin, CrmModelAdmin):
    form = InteractionForm
    list_display = [
        "occurred_at",
        "kind",
        "investor",
        "summary",
        "people_present",
        "company",
        "follow_up_on",
        "follow_up_done",
        "logged_by",
    ]
    list_display_links = ["occurred_at", "summary"]
    list_filter = [
        "kind",
        FollowUpFilter,
        # Every user (a small table): only those who logged a contact would
        # take a DISTINCT over the whole log.
        "logged_by",
    ]
    list_select_related = ["investor", "company", "logged_by"]
    date_hierarchy = "occurred_at"
    search_fields = ["summary", "details", "investor__name", "company__name"]
    autocomplete_fields = ["investor", "company", "round"]
    show_full_result_count = False
    record_fields = ("logged_by", "created_at", "updated_at")
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("kind", "occurred_at"),
                    "investor",
                    "people_present",
                    ("company", "round"),
                    "summary",
                    "details",
                ]
            },
        ),
        (
            _("Follow-up"),
            {"fields": [("follow_up_on", "follow_up_done"), "follow_up_in"]},
        ),
    ]
    actions = ["mark_follow_ups_done"]

    def get_queryset(self, request):
        # One query for the people present on the whole page.
        return super().get_queryset(request).prefetch_related("contacts")

    def get_changelist(self, request, **kwargs):
        return RangeDateHierarchyChangeList

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if not self.has_change_permission(request):
            return columns
        return [*columns, "follow_up_done_button"]

    def get_urls(self):
        return [
            path(
                "my-follow-ups/",
                self.admin_site.admin_view(self.my_follow_ups_view),
                name="notes_interaction_my_follow_ups",
            ),
            path(
                "<path:object_id>/follow-up-done/",
                self.admin_site.admin_view(self.follow_up_done_view),
                name="notes_interaction_follow_up_done",
            ),
            *super().get_urls(),
        ]

    def my_follow_ups_view(self, request):
        """A bookmarkable address for the follow-ups due on contacts you logged."""
        changelist = reverse(f"{self.admin_site.name}:notes_interaction_changelist")
        return redirect(f"{changelist}?{FollowUpFilter.parameter_name}=mine")

    def follow_up_done_view(self, request, object_id):
        """Close one follow-up: the "done" button of a row in the contact log (POST)."""
        if request.method != "POST":
            # A link followed or prefetched changes nothing.
            return HttpResponseNotAllowed(["POST"])
        # get_queryset applies the walls: a hidden interaction is not found.
        interaction = self.get_object(request, unquote(object_id))
        if interaction is None:
            raise Http404("No such interaction.")
        if not self.has_change_permission(request, interaction):
            raise PermissionDenied
        queryset = self.get_queryset(request).filter(pk=interaction.pk)
        if follow_ups_mark_done(interactions=queryset):
            self.message_user(
                request,
                _("Follow-up of “%(summary)s” marked done.")
                % {"summary": interaction.summary},
            )
        return redirect(self._back_to_list(request))

    def _back_to_list(self, request):
        """The list the button was pressed on (the Referer on this site), else my follow-ups."""
        came_from = request.headers.get("referer", "")
        if url_has_allowed_host_and_scheme(
            came_from,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            return came_from
        return reverse(f"{self.admin_site.name}:notes_interaction_my_follow_ups")

    @admin.action(description=_("Mark follow-ups done"), permissions=["change"])
    def mark_follow_ups_done(self, request, queryset):
        closed = follow_ups_mark_done(interactions=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d follow-up marked done.",
                "%(count)d follow-ups marked done.",
                closed,
            )
            % {"count": closed},
        )

    # The changelist is one <form> (for the actions): a form per row cannot
    # nest in it, so each button posts that form to its own address instead.
    # It carries the changelist's CSRF token.
    @admin.display(description="")
    def follow_up_done_button(self, obj):
        if obj.follow_up_on is None or obj.follow_up_done:
            return ""
        url = reverse(
            f"{self.admin_site.name}:notes_interaction_follow_up_done", args=[obj.pk]
        )
        return format_html(
            '<button type="submit" class="button crm-follow-up-done" '
            'formaction="{}" name="_follow_up_done" value="{}">Done</button>',
            url,
            obj.pk,
        )

    def save_model(self, request, obj, form, change):
        interaction_save(
            interaction=obj,
            contacts=form.cleaned_data.get("people_present"),
            logged_by=request.user,
        )

    # Also the read-only display of the form field for view-only users.
    @admin.display(description=_("people present"))
    def people_present(self, obj):
        return ", ".join(str(contact) for contact in obj.contacts.all())


@admin.register(DealNote)
class DealNoteAdmin(TransferAdminMixin, CrmModelAdmin):
    list_display = ["title", "pinned", "investor", "company", "round", "author"]
    # Every user as author: see InteractionAdmin.list_filter.
    list_filter = ["pinned", "author"]
    list_select_related = ["investor", "company", "round__company", "author"]
    search_fields = ["title", "body", "investor__name", "company__name"]
    autocomplete_fields = ["investor", "company", "round"]
    show_full_result_count = False
    record_fields = ("author", "created_at", "updated_at")
    fieldsets = [
        (None, {"fields": ["title", "body", "pinned"]}),
        (
            _("About"),
            {
                "description": _("An investor, a company or a round: at least one."),
                "fields": ["investor", "company", "round"],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        deal_note_save(note=obj, author=request.user)
