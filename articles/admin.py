"""The newsroom's admin: articles with their photos inline, sections, history and the publishing rules."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import F, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from citynews.admin_guards import BoundedInlineMixin, CheckedAutocompleteMixin, CheckedSelectionMixin
from citynews.admin_labels import LabelledInputsMixin
from citynews.text import validate_single_line

from . import staged_uploads
from .images import PhotoNotStored
from .models import Article, Author, FrontPagePick, Photo, Section
from .photo_forms import AddPhotosField, PhotoForm, PhotoUploadField, StagedImageInput, check_added_photos
from .uncommitted_files import removed_on_failure


def may_edit(request, article):
    """Contributors work on drafts; once an article is published only editors may touch it."""
    return (
        article is None
        or article.status != Article.Status.PUBLISHED
        or request.user.has_perm("articles.publish_article")
    )


class PhotoInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        # Each form is checked against the database alone; two new lead photos in one save
        # would pass that and then break the one-lead constraint on insert.
        super().clean()
        leads = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_lead") and not (self.can_delete and self._should_delete_form(form))
        ]
        if len(leads) > 1:
            raise forms.ValidationError("An article can have only one lead photo.", code="one_lead")


MAX_PHOTOS_PER_ARTICLE = 40
# Bookkeeping, and values derived from the other fields: never an editor's change in a comparison.
NOT_EDITORS_CHANGES = {
    "id",
    "version",
    "updated_at",
    "created_at",
    "content_changed_at",
    "reading_minutes",
    "search_vector",
    "rendered_body",
}


class PhotoInline(LabelledInputsMixin, BoundedInlineMixin, admin.StackedInline):
    model = Photo
    form = PhotoForm
    formset = PhotoInlineFormSet
    extra = 1
    fields = [("image", "preview"), "alt_text", ("caption", "credit"), ("taken_on", "is_lead", "position")]
    readonly_fields = ["preview"]
    formfield_overrides = {models.ImageField: {"form_class": PhotoUploadField, "widget": StagedImageInput}}
    # Also the most forms the formset will build (BoundedInlineMixin).
    max_num = MAX_PHOTOS_PER_ARTICLE

    def has_add_permission(self, request, obj):
        return may_edit(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return may_edit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit(request, obj) and super().has_delete_permission(request, obj)

    @admin.display(description="Preview")
    def preview(self, photo):
        if not photo.pk:
            return "—"
        # The button works once the body editor is ready (static/admin/js/newsroom.js enables it).
        return format_html(
            '<img src="{}" alt="{}" width="160" style="height:auto;border-radius:4px" data-photo-preview="{}" '
            'data-photo-alt="{}"><br>Photo #{} <button type="button" class="button" data-place-photo="{}" disabled>'
            "Place in story</button>",
            photo.thumbnail_url,
            photo.alt_text,
            photo.pk,
            photo.alt_text,
            photo.pk,
            photo.pk,
        )


@admin.register(Section)
class SectionAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    list_display = ["name", "is_organisation", "slug"]
    list_filter = ["is_organisation"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(FrontPagePick)
class FrontPagePickAdmin(LabelledInputsMixin, CheckedAutocompleteMixin, admin.ModelAdmin):
    """The front page's lead and top stories: position 1 leads. A pick of a story not yet live waits for it."""

    list_display = ["article", "position", "ends_at", "showing_now"]
    list_editable = ["position", "ends_at"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    ordering = ["position", "id"]

    @admin.display(boolean=True, description="On the front page now")
    def showing_now(self, pick):
        return pick.article.is_live and (pick.ends_at is None or pick.ends_at > timezone.now())


def require_integer_ids(*ids):
    """simple-history's views pass ids from the address straight to the database: a non-number is a 404."""
    for value in ids:
        try:
            models.BigIntegerField().to_python(unquote(value))
        except ValidationError:
            raise Http404("No such article or version.") from None


MAX_TAGS_PER_ARTICLE = 30


class ArticleAdminForm(forms.ModelForm):
    """Carries the version the editor opened, so a save based on a stale copy is refused, not applied."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    add_photos = AddPhotosField(
        label="Add photos",
        help_text="Choose several at once; each gets a row below for its alt text and caption when you save.",
    )
    refused_photos = ()  # set per request by ArticleAdmin.get_form

    def clean_add_photos(self):
        if self.refused_photos:
            raise ValidationError([f"Not added: {problem}" for problem in self.refused_photos], code="photo_refused")

    mark_updated = forms.BooleanField(
        label="Mark as updated",
        required=False,
        help_text="A change readers should know about (new facts, a correction): the story then shows "
        "“Updated” with this time, in its page, feeds and search data. Not for typos.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            # From the table, not the instance: a revert form's instance is an old version.
            current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.initial["opened_version"] = current
        if "tags" in self.fields:
            # static/admin/js/newsroom.js suggests existing tags from the admin's own autocomplete as the editor types.
            self.fields["tags"].widget.attrs.update(
                {"data-suggestions-url": reverse("admin:autocomplete"), "autocomplete": "off"}
            )

    def clean_tags(self):
        # Taggit's field has no length check of its own; the database column does, with a server error.
        tags = self.cleaned_data["tags"]
        longest = Tag._meta.get_field("name").max_length
        if any(len(tag) > longest for tag in tags):
            raise ValidationError(f"A tag can have at most {longest} characters.", code="tag_too_long")
        for tag in tags:
            validate_single_line(tag)
        if len(tags) > MAX_TAGS_PER_ARTICLE:
            raise ValidationError(f"An article can have at most {MAX_TAGS_PER_ARTICLE} tags.", code="too_many_tags")
        return tags

    def clean_published_at(self):
        value = self.cleaned_data["published_at"]
        stored = self.instance.published_at
        # The inputs carry whole seconds: an untouched time must not lose its microseconds (a false change).
        if value and stored and value == stored.replace(microsecond=0):
            return stored
        return value

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("mark_updated") and not (self.instance.pk and self.instance.is_live):
            self.add_error("mark_updated", "Only a story already live can be updated; until then, just edit it.")
        if self.instance.pk is None:
            return cleaned_data
        opened = cleaned_data.get("opened_version")
        article = Article.objects.filter(pk=self.instance.pk)
        # A conditional write, not a read: it holds the row (SQLite: the database) until the admin's
        # transaction ends, on every backend, so no other save slips in between this check and ours.
        if opened is not None and article.filter(version=opened).update(version=F("version")):
            self.instance.version = opened
        elif article.exists():
            raise ValidationError(self.conflict_message(), code="edit_conflict")
        return cleaned_data

    def conflict_message(self):
        last = Article.history.filter(id=self.instance.pk).select_related("history_user").first()
        who = (last.history_user.get_username() if last and last.history_user else None) or "someone else"
        when = timezone.localtime(last.history_date).strftime("%d %b %Y %H:%M") if last else "an unknown time"
        return (
            f"This article was changed by {who} at {when} since you opened it; your changes were not saved. "
            "Copy your text, reload the page, and apply your changes again."
        )


@admin.register(Article)
class ArticleAdmin(LabelledInputsMixin, CheckedAutocompleteMixin, CheckedSelectionMixin, SimpleHistoryAdmin):
    form = ArticleAdminForm
    object_history_template = "admin/articles/article/object_history.html"
    list_display = ["headline", "status_badge", "section", "publication_time", "credited_author"]
    list_display_links = ["headline"]
    list_filter = ["status", "section", "published_at", "tags"]
    list_select_related = ["section", "author"]
    search_fields = ["title", "standfirst", "source_name", "byline"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "author", "cities", "recognitions", "ranking_entries"]
    inlines = [PhotoInline]
    actions = ["publish", "unpublish"]
    save_on_top = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "opened_version"]}),
        ("Source and byline", {"fields": [("source_name", "source_url"), "source_updated_at", ("byline", "author")]}),
        ("Filing", {"fields": ["section", "tags"]}),
        ("Facts", {"fields": ["cities", "recognitions", "ranking_entries"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
        ("Updates and corrections", {"fields": ["mark_updated", "substantive_update_at", "update_note"]}),
        ("Several photos at once", {"fields": ["add_photos"]}),
    ]
    readonly_fields = ["substantive_update_at"]
    # Fields of the form alone, which a read-only page has nothing to show for.
    FORM_ONLY_FIELDS = {"opened_version", "add_photos", "mark_updated"}

    class Media:
        js = ["admin/js/newsroom.js"]
        css = {"all": ["admin/css/newsroom.css"]}

    def get_queryset(self, request):
        # The account that created the story, from its first version: one subquery for the whole list.
        creator = Article.history.filter(id=OuterRef("pk"), history_type="+").order_by("history_date")
        return super().get_queryset(request).annotate(created_by=Subquery(creator.values("history_user__username")[:1]))

    @admin.display(description="Title", ordering="title")
    def headline(self, article):
        return article.title

    @admin.display(description="Status", ordering="status")
    def status_badge(self, article):
        if article.status == Article.Status.DRAFT:
            state, label = "draft", "Draft"
        elif article.is_live:
            state, label = "live", "Live"
        else:
            state, label = "scheduled", "Scheduled"
        return format_html('<span class="status-badge status-badge--{}">{}</span>', state, label)

    @admin.display(description="Publication time", ordering="published_at")
    def publication_time(self, article):
        # Short enough to leave the title its two lines at 1,280 px ("29 Nov 2026, 22:48").
        if article.published_at is None:
            return "—"
        local = timezone.localtime(article.published_at)
        return format_html('<time datetime="{}">{}</time>', local.isoformat(), local.strftime("%d %b %Y, %H:%M"))

    @admin.display(description="Author", ordering="byline")
    def credited_author(self, article):
        """The byline readers see; else the linked author; else the account that created the story.

        Not named ``author``: the list would then show the model's author field instead of this.
        """
        if article.byline:
            return article.byline
        if article.author_id:
            return article.author.name
        return getattr(article, "created_by", None) or "—"

    def get_fieldsets(self, request, obj=None):
        # The change page in read-only mode has no save to protect, and would show the hidden version as an
        # empty row. (On a revert page ``obj`` is an old version, so its status says nothing about the article.)
        on_change_page = request.resolver_match.url_name == "articles_article_change"
        if not on_change_page or obj is None or self.has_change_permission(request, obj):
            return self.fieldsets
        return [
            (name, {**options, "fields": fields})
            for name, options in self.fieldsets
            if (fields := [f for f in options["fields"] if f not in self.FORM_ONLY_FIELDS])
        ]

    def get_readonly_fields(self, request, obj=None):
        if self.has_publish_permission(request):
            return self.readonly_fields
        return [*self.readonly_fields, "status", "published_at"]

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def has_change_permission(self, request, obj=None):
        return may_edit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit(request, obj) and super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refused = getattr(request, "refused_photos", ())
        if refused:
            form = type(form.__name__, (form,), {"refused_photos": refused})
        failure = getattr(request, "photo_not_stored", None)
        if failure is None:
            return form

        class NotStoredForm(form):
            def clean(self):
                super().clean()
                raise ValidationError(str(failure), code="photo_not_stored")

        return NotStoredForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, PhotoInline):
            kwargs["form_kwargs"] = {"session_key": request.session.session_key}
        return kwargs

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and request.FILES.getlist("add_photos"):
            self.take_in_added_photos(request)
        try:
            # A save that fails after some of its photos were written (the database refuses a later row)
            # takes their files with it.
            with removed_on_failure(using=router.db_for_write(self.model)):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except PhotoNotStored as failure:
            # The whole save was rolled back (the admin's transaction) and its files removed: the editor
            # gets the form again, with what they typed, the photos kept, and why nothing was saved.
            request.photo_not_stored = failure
            return super().changeform_view(request, object_id, form_url, extra_context)

    def take_in_added_photos(self, request):
        """Each photo of the "Add photos" input that passes the checks becomes a new photo row carrying it
        (staged, so the rows' thumbnails show); the save then asks for their alt text, which only the editor
        can give, and the refused files are named as an error of the field."""
        data = request.POST.copy()
        try:
            rows = int(data.get("photos-TOTAL_FORMS", ""))
        except ValueError:
            return  # a broken management form is reported by the formset itself
        room = max(0, MAX_PHOTOS_PER_ARTICLE - rows)
        staged, request.refused_photos = check_added_photos(
            request.FILES.getlist("add_photos"), request.session.session_key, room
        )
        for number, upload in enumerate(staged, start=rows):
            data[f"photos-{number}-image-staged"] = upload.token
            data[f"photos-{number}-position"] = str(number)
        data["photos-TOTAL_FORMS"] = str(rows + len(staged))
        request.POST = data

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        self.keep_chosen_photos(request, context.get("inline_admin_formsets", []))
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def keep_chosen_photos(request, inline_admin_formsets):
        """A save that failed keeps the photos its rows had chosen: staged, and shown instead of asking again."""
        for inline_admin_formset in inline_admin_formsets:
            for form in inline_admin_formset.formset.forms if inline_admin_formset.formset.is_bound else []:
                if isinstance(form, PhotoForm) and (upload := form.chosen_upload()) is not None:
                    try:
                        form.fields["image"].widget.staged = staged_uploads.stage(upload, request.session.session_key)
                    except OSError:
                        # A full disk cannot keep the photo either: the form asks for the file again.
                        continue

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for photo_form in formset.forms:
            if isinstance(photo_form, PhotoForm) and (upload := photo_form.chosen_upload()) is not None:
                staged_uploads.discard_after_commit(upload)

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            # Whatever the form (or a revert to an old version) carried, publishing state stays as stored.
            stored = Article.objects.filter(pk=obj.pk).values("status", "published_at").first() if obj.pk else None
            obj.status = stored["status"] if stored else Article.Status.DRAFT
            obj.published_at = stored["published_at"] if stored else None
        if form.cleaned_data.get("mark_updated"):
            obj.mark_substantive_update()
        super().save_model(request, obj, form, change)

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name="articles_article_history_compare",
        )
        return [compare, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        require_integer_ids(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        require_integer_ids(object_id, version_id)
        # simple-history checks permissions against the old version; what matters is the article as it is now.
        current = self.get_object(request, unquote(object_id))
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        current = Article.objects.filter(pk=obj.pk).first() if obj is not None else None
        return super().revert_disabled(request, obj) or not self.has_change_permission(request, current)

    def history_compare_view(self, request, object_id):
        """Field-by-field differences between two saved versions (?older=<id>&newer=<id>)."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = Article.history.filter(id=article.pk)
        try:
            older = get_object_or_404(versions, history_id=int(request.GET.get("older", "")))
            newer = get_object_or_404(versions, history_id=int(request.GET.get("newer", "")))
        except (ValueError, OverflowError):
            raise Http404("Choose two versions to compare.") from None
        if older.history_date > newer.history_date:
            older, newer = newer, older
        compared = [f.name for f in Article._meta.fields if f.name not in NOT_EDITORS_CHANGES]
        delta = newer.diff_against(older, included_fields=compared, foreign_keys_are_objs=True)
        changed = {change.field: change for change in delta.changes}
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {article}",
            "opts": self.opts,
            "original": article,
            "older": older,
            "newer": newer,
            "changes": [
                (field.verbose_name, changed[field.name].old, changed[field.name].new)
                for field in Article._meta.fields
                if field.name in changed
            ],
        }
        return TemplateResponse(request, "admin/articles/article/history_compare.html", context)

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish(self, request, queryset):
        updated = queryset.publish()
        self.message_user(
            request, ngettext("%d article published.", "%d articles published.", updated) % updated, messages.SUCCESS
        )

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        updated = queryset.unpublish()
        self.message_user(
            request,
            ngettext("%d article returned to draft.", "%d articles returned to draft.", updated) % updated,
            messages.SUCCESS,
        )
