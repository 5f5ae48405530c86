from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html
from django.utils.translation import ngettext

from .images import inspect_upload
from .models import Article, Photo, Section


class PhotoUploadField(forms.ImageField):
    """Our own checks run before Django's, so the editor reads why a file was refused."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        inspect_upload(upload)
        return super().to_python(data)


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


class PhotoInline(admin.StackedInline):
    model = Photo
    formset = PhotoInlineFormSet
    extra = 1
    fields = [("image", "preview"), "alt_text", ("caption", "credit"), ("taken_on", "is_lead", "position")]
    readonly_fields = ["preview"]
    formfield_overrides = {models.ImageField: {"form_class": PhotoUploadField}}

    @admin.display(description="Preview")
    def preview(self, photo):
        if not photo.pk:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="160" style="height:auto;border-radius:4px">',
            photo.thumbnail_url,
            photo.alt_text,
        )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "is_live_now", "section", "published_at", "updated_at"]
    list_filter = ["status", "section", "published_at", "tags"]
    list_select_related = ["section"]
    search_fields = ["title", "standfirst", "source_name", "byline"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "cities", "recognitions", "ranking_entries"]
    inlines = [PhotoInline]
    actions = ["publish", "unpublish"]
    save_on_top = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        ("Source and byline", {"fields": [("source_name", "source_url"), "source_updated_at", "byline"]}),
        ("Filing", {"fields": ["section", "tags"]}),
        ("Facts", {"fields": ["cities", "recognitions", "ranking_entries"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
    ]

    @admin.display(boolean=True, description="Live")
    def is_live_now(self, article):
        return article.is_live

    def get_readonly_fields(self, request, obj=None):
        if self.has_publish_permission(request):
            return self.readonly_fields
        return [*self.readonly_fields, "status", "published_at"]

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

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
