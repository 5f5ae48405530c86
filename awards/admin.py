"""The newsroom's editors for cities, awards and rankings.

Deleting follows one rule: what exists on its own (a city, a programme, a category, an organisation) is
refused while anything points to it, with Django's "Cannot delete" page listing what does; what belongs to
a container (an edition's recognitions, a ranking's entries) goes with it, together with the stories' links
to it: the stories stay, and their facts box no longer lists what was deleted. A single recognition or
entry that stories report is not deleted from its container's page or by a replacing import: the editor
corrects it, or takes it out of the stories first.
"""

import difflib
import functools
from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from articles.models import Article
from citynews.admin_guards import BoundedInlineMixin, CheckedAutocompleteMixin, CheckedSelectionMixin
from citynews.admin_labels import LabelledInputsMixin
from citynews.text import validate_single_line

from .models import (
    AwardProgramme,
    Category,
    City,
    Edition,
    Organisation,
    Ranking,
    RankingEntry,
    Recognition,
    links_keeping_cities,
    normalise_category_name,
)
from .ranking_import import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    MAX_PROBLEMS_SHOWN,
    RankingImportError,
    decode,
    import_entries,
)
from .recognition_import import MAX_PASTE_CHARS, import_recognitions

SIMILARITY_CUTOFF = 0.8

# The most rows one save of an inline may carry (BoundedInlineMixin). Django refuses a POST of more than
# 1,000 fields (DATA_UPLOAD_MAX_NUMBER_FIELDS) anyway: about 160 ranking rows of six fields, or 100
# recognition or edition rows of eight or nine. Longer rankings are imported from a CSV file
# (RankingAdmin.run_import), and a ranking with more entries than this shows no inline at all,
# so its own fields can still be saved.
MAX_RANKING_ROWS_PER_SAVE = 160
MAX_ROWS_PER_SAVE = 100


class AwardsAdmin(LabelledInputsMixin, CheckedAutocompleteMixin, CheckedSelectionMixin, admin.ModelAdmin):
    """Forged ids in autocomplete fields or bulk actions are form errors or 400s (citynews.admin_guards)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


def admin_link(obj):
    """A line of the "Cannot delete" page, as Django's own lines read: "Article: <a>title</a>"."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)


class ImportPageMixin:
    """An import page beside the change page ("<id>/import/"): a form whose rows are all checked, then all
    saved or none, with each problem listed by line (``RankingImportError.problems``)."""

    import_title = ""
    import_form = None
    import_form_id = ""
    import_template = ""

    def run_import(self, obj, form):
        """Import what the valid ``form`` carries into ``obj``; return the summary for the editor."""
        raise NotImplementedError

    def get_urls(self):
        opts = self.opts
        import_view = self.admin_site.admin_view(self.import_view)
        name = f"{opts.app_label}_{opts.model_name}_import"
        # Before Django's own addresses, whose "<object_id>/" catch-all would take it.
        return [path("<path:object_id>/import/", import_view, name=name), *super().get_urls()]

    def import_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )
        problems = []
        if request.method == "POST":
            form = self.import_form(request.POST, request.FILES)
            if form.is_valid():
                try:
                    summary = self.run_import(obj, form)
                except RankingImportError as error:
                    problems = error.problems
                else:
                    self.log_change(request, obj, summary)
                    messages.success(request, summary)
                    return HttpResponseRedirect(change_url)
        else:
            form = self.import_form()
        context = {
            **self.admin_site.each_context(request),
            "title": self.import_title,
            "subtitle": str(obj),
            "opts": self.opts,
            "original": obj,
            "change_url": change_url,
            "form": form,
            "form_id": self.import_form_id,
            "problems": problems[:MAX_PROBLEMS_SHOWN],
            "more_problems": max(0, len(problems) - MAX_PROBLEMS_SHOWN),
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_template, context)


@admin.register(City)
class CityAdmin(AwardsAdmin):
    list_display = ["name", "parent", "country"]
    list_filter = ["country"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "parent__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        # The autocomplete shows "District (City)" for every result.
        return super().get_queryset(request).select_related("parent")

    def get_deleted_objects(self, objs, request):
        # The protected foreign keys are found by Django; the many-to-many links are added here.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, [*protected, *map(admin_link, links_keeping_cities(objs))]


@admin.register(Organisation)
class OrganisationAdmin(AwardsAdmin):
    list_display = ["name", "city"]
    list_select_related = ["city__parent"]
    search_fields = ["name", "city__name"]
    autocomplete_fields = ["city"]

    def get_queryset(self, request):
        # Pickers show "Bureau (City)": which organisation is which.
        return super().get_queryset(request).select_related("city__parent")

    def autocomplete_label(self, organisation):
        return organisation_label(organisation)


class EditionInline(LabelledInputsMixin, BoundedInlineMixin, admin.TabularInline):
    model = Edition
    max_num = MAX_ROWS_PER_SAVE
    fields = ["year", "number", "starts_on", "ends_on", "is_online"]
    extra = 0
    show_change_link = True


MAX_ALIASES = 30


class AliasesField(forms.CharField):
    """A JSON list of aliases, edited as one alias per line; each line is checked as a category name is."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *args, owner="category", **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_ALIASES:
            raise ValidationError(f"A {self.owner} can have at most {MAX_ALIASES} aliases.", code="too_many_aliases")
        # The list itself would pass the text checks: a NUL byte (which PostgreSQL's JSON refuses) or an
        # overlong name hides inside one of its items.
        alias = forms.CharField(max_length=Category._meta.get_field("name").max_length)
        for line in value:
            validate_single_line(alias.clean(line))


class CategoryForm(forms.ModelForm):
    aliases = AliasesField(required=False, help_text="Other names the category goes by, one per line.")

    class Meta:
        model = Category
        fields = ["programme", "name", "aliases"]


class AwardProgrammeForm(forms.ModelForm):
    aliases = AliasesField(
        owner="programme",
        required=False,
        help_text="Other names readers may search for, one per line (the short name is searched too).",
    )

    class Meta:
        model = AwardProgramme
        fields = ["name", "short_name", "aliases", "slug", "organiser", "website", "description"]


@admin.register(AwardProgramme)
class AwardProgrammeAdmin(AwardsAdmin):
    form = AwardProgrammeForm
    list_display = ["name", "short_name", "organiser"]
    search_fields = ["name", "short_name", "aliases", "organiser"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EditionInline]


def similar_categories(category):
    """Other categories of the programme whose name or alias is close to this one's, for a warning."""
    mine = [normalise_category_name(name) for name in category.all_names]
    close = []
    for other in Category.objects.filter(programme_id=category.programme_id).exclude(pk=category.pk):
        for text in other.all_names:
            if difflib.get_close_matches(normalise_category_name(text), mine, n=1, cutoff=SIMILARITY_CUTOFF):
                close.append((other, text))
                break
    return close


@admin.register(Category)
class CategoryAdmin(AwardsAdmin):
    form = CategoryForm
    list_display = ["name", "programme"]
    list_filter = ["programme"]
    list_select_related = ["programme"]
    search_fields = ["name", "aliases", "programme__name", "programme__short_name"]
    autocomplete_fields = ["programme"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" not in form.changed_data and "aliases" not in form.changed_data:
            return
        for other, text in similar_categories(obj):
            matched = f"“{other.name}”" if text == other.name else f"“{other.name}” (also known as “{text}”)"
            messages.warning(
                request,
                f"“{obj.name}” is close to {matched}. If they are the same category, "
                f"add the name as an alias of “{other.name}” instead.",
            )


class KeepsReportedFactsFormSet(forms.BaseInlineFormSet):
    """Rows that stories report (awards, ranks) cannot be deleted from under them: the save is refused, naming
    the stories.

    A story's facts box links what it reports; deleting the row would take that fact out of the story
    without a word. The editor corrects the row instead (it keeps its links) or takes it out of the
    stories first.
    """

    reported_as = None  # the Article field linking stories to these rows
    row_display_relations = []  # what str() of a row reads, fetched with it

    def clean(self):
        super().clean()
        deleting = [
            form.instance.pk for form in self.initial_forms if form.instance.pk and self._should_delete_form(form)
        ]
        if not deleting:
            return
        stories = Article.objects.titles_by_reported(self.reported_as, deleting)
        if stories:
            rows = self.model.objects.filter(pk__in=stories).select_related(*self.row_display_relations)
            raise ValidationError(
                [
                    f"{row} is reported by {', '.join(stories[row.pk])}: correct the row instead of deleting it, "
                    "or take it out of those stories first."
                    for row in rows
                ]
            )


class RecognitionFormSet(KeepsReportedFactsFormSet):
    reported_as = "recognitions"
    row_display_relations = ["edition__programme", "category", "city", "organisation"]


class ProgrammeCategoryChoiceField(forms.ModelChoiceField):
    """Categories labelled with their programme, so two programmes' “Enabling Technologies” differ (in a new
    edition, whose programme is not known yet; a saved edition offers its own programme's alone)."""

    def label_from_instance(self, category):
        return f"{category.name} ({category.programme.short_name or category.programme.name})"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return category.name


class AddInProgrammeWrapper(RelatedFieldWidgetWrapper):
    """The category picker's "+" opens the add form with the edition's programme already chosen."""

    def __init__(self, *args, programme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme_id = programme_id

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.programme_id:
            context["url_params"] += f"&programme={self.programme_id}"
        return context


class RecognitionInline(LabelledInputsMixin, CheckedAutocompleteMixin, BoundedInlineMixin, admin.TabularInline):
    """One line per recognition that fits a 1,280 px window: a plain category list limited to the edition's
    programme, with "+" to add one; searchable city and organisation pickers that say which is which; no
    change, delete or view icons beside them (static/admin/css/awards.css sets the widths)."""

    model = Recognition
    formset = RecognitionFormSet
    max_num = MAX_ROWS_PER_SAVE
    fields = ["category", "result", "city", "organisation", "project_name", "note"]
    autocomplete_fields = ["city", "organisation"]
    extra = 5
    classes = ["recognitions-inline"]

    def get_formset(self, request, obj=None, **kwargs):
        callback = functools.partial(self.formfield_for_dbfield, request=request, edition=obj)
        return super().get_formset(request, obj, formfield_callback=callback, **kwargs)

    def formfield_for_dbfield(self, db_field, request, edition=None, **kwargs):
        if db_field.name == "category":
            return self.category_field(db_field, request, edition)
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(getattr(field, "widget", None), RelatedFieldWidgetWrapper):
            field.widget.can_add_related = field.widget.can_change_related = False
            field.widget.can_delete_related = field.widget.can_view_related = False
        if db_field.name == "organisation" and field is not None:
            field.label_from_instance = organisation_label
            field.queryset = field.queryset.select_related("city")
        if db_field.name in {"project_name", "note"}:
            field.widget.attrs["size"] = 18
        return field

    def category_field(self, db_field, request, edition):
        if edition is not None and edition.pk:
            field = CategoryChoiceField(queryset=Category.objects.filter(programme_id=edition.programme_id))
        else:
            field = ProgrammeCategoryChoiceField(queryset=Category.objects.select_related("programme"))
        category_admin = self.admin_site._registry.get(Category)
        if category_admin is not None:
            field.widget = AddInProgrammeWrapper(
                field.widget,
                db_field.remote_field,
                self.admin_site,
                can_add_related=category_admin.has_add_permission(request),
                programme_id=edition.programme_id if edition is not None and edition.pk else None,
            )
        return field


def organisation_label(organisation):
    return f"{organisation.name} ({organisation.city})"


class RecognitionImportForm(forms.Form):
    rows = forms.CharField(
        label="Paste the list",
        required=False,
        max_length=MAX_PASTE_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 100, "spellcheck": "false"}),
        help_text="Copy the rows from a spreadsheet, the line naming the columns first.",
    )
    file = forms.FileField(
        label="Or a CSV file",
        required=False,
        help_text=f"UTF-8 text, at most {MAX_IMPORT_ROWS:,} rows and {MAX_IMPORT_BYTES // 1024:,} kB.",
    )

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("rows", "").strip() and not cleaned_data.get("file"):
            raise ValidationError("Paste the list or choose a file.", code="nothing_to_import")
        return cleaned_data

    def text(self):
        """The rows to import (RankingImportError when the file is not UTF-8 text)."""
        upload = self.cleaned_data.get("file")
        return decode(upload) if upload else self.cleaned_data["rows"]


@admin.register(Edition)
class EditionAdmin(ImportPageMixin, AwardsAdmin):
    import_title = "Import winners and finalists"
    import_form = RecognitionImportForm
    import_form_id = "recognition_import_form"
    import_template = "admin/awards/edition/import_recognitions.html"
    list_display = ["__str__", "programme", "number", "year", "is_online"]
    list_filter = ["programme", "year"]
    list_select_related = ["programme"]
    search_fields = ["programme__name", "programme__short_name", "year"]
    autocomplete_fields = ["programme", "host_cities"]
    inlines = [RecognitionInline]

    class Media:
        css = {"all": ["admin/css/awards.css"]}

    def run_import(self, edition, form):
        added = import_recognitions(edition, form.text())
        return f"Imported {added} recognition{'s' if added != 1 else ''}."


@admin.register(Recognition)
class RecognitionAdmin(AwardsAdmin):
    list_display = ["__str__", "edition", "category", "result", "city", "organisation"]
    list_filter = ["result", "edition__programme", "edition__year"]
    list_select_related = ["edition__programme", "category", "city__parent", "organisation"]
    search_fields = ["project_name", "city__name", "organisation__name", "category__name", "edition__programme__name"]
    autocomplete_fields = ["edition", "category", "city", "organisation"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("edition__programme", "category", "city__parent", "organisation")
        )


class RankingEntryFormSet(KeepsReportedFactsFormSet):
    """Checks the ranking's rules across all its rows at once, so each mistake is a message, never a 500."""

    reported_as = "ranking_entries"
    row_display_relations = ["city", "ranking"]

    def clean(self):
        ranking = self.instance
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("city")
        ]
        problems = []
        cities = Counter(row["city"] for row in rows)
        problems += [f"{city.name} is ranked twice: keep one row per city." for city, n in cities.items() if n > 1]
        if not ranking.allow_ties:
            positions = Counter(row["position"] for row in rows if row.get("position"))
            problems += [
                f"Position {position} is given to {n} cities, and this ranking does not allow ties."
                for position, n in sorted(positions.items())
                if n > 1
            ]
        if ranking.field_size:
            problems += [
                f"{row['city'].name} is at position {row['position']}, beyond the field size of {ranking.field_size}."
                for row in rows
                if row.get("position") and row["position"] > ranking.field_size
            ]
        if problems:
            raise ValidationError(problems)
        super().clean()

    def save(self, commit=True):
        if commit:
            # Rows changing or leaving free their positions first, so two cities can swap places in one save
            # (the one-city-per-position index only covers rows that do not allow ties).
            moving = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk and (self._should_delete_form(form) or "position" in form.changed_data)
            ]
            RankingEntry.objects.filter(pk__in=moving).update(ranking_allows_ties=True)
        return super().save(commit)


class RankingEntryInline(LabelledInputsMixin, CheckedAutocompleteMixin, BoundedInlineMixin, admin.TabularInline):
    model = RankingEntry
    max_num = MAX_RANKING_ROWS_PER_SAVE
    formset = RankingEntryFormSet
    fields = ["position", "city", "score"]
    autocomplete_fields = ["city"]
    ordering = ["position"]
    extra = 3


class RankingImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 text, at most {MAX_IMPORT_ROWS:,} rows and {MAX_IMPORT_BYTES // 1024:,} kB.",
    )
    replace = forms.BooleanField(
        label="Replace the existing entries",
        label_suffix="",
        required=False,
        help_text="Cities that are not in the file leave the ranking (unless a story reports their rank: the "
        "import is then refused, naming the stories). Unticked, the file's rows are added, and cities already in "
        "the ranking take the file's position and score.",
    )


def import_summary(result):
    parts = [f"{result.added} added", f"{result.changed} changed", f"{result.unchanged} unchanged"]
    if result.removed:
        parts.append(f"{result.removed} removed")
    if result.kept:
        parts.append(f"{result.kept} not in the file kept")
    if result.cleaned_lines:
        lines = ", ".join(map(str, result.cleaned_lines))
        parts.append(
            f"invisible control characters removed on line{'s' if len(result.cleaned_lines) > 1 else ''} {lines}"
        )
    return ", ".join(parts)


@admin.register(Ranking)
class RankingAdmin(ImportPageMixin, AwardsAdmin):
    import_title = "Import entries from CSV"
    import_form = RankingImportForm
    import_form_id = "ranking_import_form"
    import_template = "admin/awards/ranking/import_entries.html"
    list_display = ["title", "year", "publisher", "field_size", "entry_count"]
    list_filter = ["year", "publisher"]
    search_fields = ["title", "slug", "publisher", "scope"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [RankingEntryInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "year", "publisher", "scope"]}),
        ("Rules", {"fields": ["field_size", "allow_ties", "higher_score_is_better"]}),
        ("Method", {"fields": ["method_note", "method_url"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entries_total=Count("entries"))

    @admin.display(description="Entries", ordering="entries_total")
    def entry_count(self, ranking):
        return ranking.entries_total

    @staticmethod
    def entries_fit_inline(ranking):
        if ranking is None:
            return True
        total = getattr(ranking, "entries_total", None)  # annotated by get_queryset()
        return (ranking.entries.count() if total is None else total) <= MAX_RANKING_ROWS_PER_SAVE

    def get_inlines(self, request, obj):
        # Rows beyond what one POST can carry would make the whole page unsavable (Django refuses more than
        # DATA_UPLOAD_MAX_NUMBER_FIELDS fields): such a table is changed by importing it instead.
        return super().get_inlines(request, obj) if self.entries_fit_inline(obj) else []

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["entries_fit_inline"] = self.entries_fit_inline(obj)
        context["max_inline_entries"] = MAX_RANKING_ROWS_PER_SAVE
        return super().render_change_form(request, context, add, change, form_url, obj)

    def run_import(self, ranking, form):
        """Entries imported from a CSV file, all or none: for tables longer than the inline can take."""
        upload = form.cleaned_data["file"]
        result = import_entries(ranking, upload, replace=form.cleaned_data["replace"])
        return f"Imported {upload.name}: {import_summary(result)}."


@admin.register(RankingEntry)
class RankingEntryAdmin(AwardsAdmin):
    """Read-only list (and the stories' autocomplete): entries are edited inside their ranking."""

    list_display = ["city", "position", "ranking", "score"]
    list_select_related = ["ranking", "city__parent"]
    list_filter = ["ranking__year", "ranking__title"]
    search_fields = ["city__name", "ranking__title", "ranking__year"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ranking", "city__parent")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
