"""Names for the admin's inputs that Django leaves without a label, for editors who use a screen reader.

A tabular inline's inputs stand under their column's header, not beside a ``<label>``; a split date-and-time
field's label names its date box only. Each such input gets an ``aria-label`` (axe-core's "label" and
"select-name" rules; tests/browser/test_admin_accessibility.py).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper


def name_inputs(field, in_table):
    widget = field.widget.widget if isinstance(field.widget, RelatedFieldWidgetWrapper) else field.widget
    label = str(field.label)
    if isinstance(widget, forms.SplitDateTimeWidget):
        date, time = widget.widgets
        date.attrs["aria-label"], time.attrs["aria-label"] = f"{label}: date", f"{label}: time"
    elif in_table:
        widget.attrs["aria-label"] = label


class LabelledInputsMixin:
    """For a ModelAdmin or an inline: every input of its form has a name a screen reader can say."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        for field in form.base_fields.values():
            name_inputs(field, in_table=False)
        return form

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        in_table = isinstance(self, admin.TabularInline)
        for field in formset.form.base_fields.values():
            name_inputs(field, in_table)
        if in_table:
            formset.deletion_widget = forms.CheckboxInput(attrs={"aria-label": "Delete this row"})
        return formset
