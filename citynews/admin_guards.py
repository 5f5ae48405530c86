"""Admin guards shared by every app: forged ids in bulk actions and autocomplete fields are a 400 or a
form error, never a server error (Django's admin hands such values straight to the database); and the
autocomplete's results labelled so that namesakes can be told apart."""

from django import forms
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, ValidationError


class CheckedSelectionMixin:
    """Bulk actions only on well-formed ids: Django's admin passes the ticked ids straight to the database,
    so a forged ``_selected_action`` of "abc" or 10**20 would otherwise be a server error, not a 400."""

    def response_action(self, request, queryset):
        pk_field = self.model._meta.pk
        for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
            try:
                pk_field.run_validators(pk_field.to_python(value))
            except ValidationError:
                raise BadRequest("Bulk actions need the ids of existing rows.") from None
        return super().response_action(request, queryset)


class WellFormedValuesOnly:
    """Django's autocomplete widgets look the submitted values up to redisplay them; a forged "abc" or 10**20
    would be a server error while showing the form's errors, so malformed values are simply not shown."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field

        def well_formed(candidate):
            try:
                target.run_validators(target.to_python(candidate))
            except ValidationError:
                return False
            return True

        return super().optgroups(name, [v for v in value if well_formed(v)], attr)


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses malformed ids as a form error: Django's own check lets 10**20 through to an ``IN (...)``
    lookup, which the database answers with an overflow (a server error)."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for candidate in value:
            try:
                target.run_validators(target.to_python(candidate))
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": candidate}
                ) from None
        return super()._check_values(value)


class CheckedAutocompleteSelect(WellFormedValuesOnly, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(WellFormedValuesOnly, AutocompleteSelectMultiple):
    pass


class CheckedAutocompleteMixin:
    """For a ModelAdmin or an inline: its ``autocomplete_fields`` use the checked widgets above, and its
    many-to-many fields the checked form field."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BoundedInlineMixin:
    """For an inline with a ``max_num``: a bound formset builds at most that many forms, whatever a forged
    TOTAL_FORMS says. Django's own ceiling is 2,000 forms: seconds of CPU and megabytes of HTML per request."""

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, absolute_max=self.max_num, **kwargs)


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, with each result read as its model admin labels it when it says how
    (``autocomplete_label(obj)``: an organisation with its city), so a picker shows which is which."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        return {**result, "text": label(obj)} if label else result
