"""The article form's photo fields: uploads checked before Django's own checks, kept across a failed save,
and several photos added in one go."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError

from . import staged_uploads
from .images import ALLOWED_FORMATS, inspect_upload

ACCEPTED_TYPES = ",".join(f"image/{fmt.lower()}" for fmt in ALLOWED_FORMATS)


class StagedFile:
    """The form's answer "the photo chosen before", carried by a signed token (articles/staged_uploads.py)."""

    def __init__(self, token):
        self.token = token


class StagedImageInput(AdminFileWidget):
    """A file input that also carries, and shows as a thumbnail, the photo chosen before a failed save."""

    template_name = "articles/widgets/staged_image.html"
    staged = None  # set on a failed save's form (ArticleAdmin.keep_chosen_photos)

    def __init__(self, attrs=None):
        super().__init__({"accept": ACCEPTED_TYPES, **(attrs or {})})

    @staticmethod
    def staged_name(name):
        return f"{name}-staged"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload is None and (token := data.get(self.staged_name(name))):
            return StagedFile(token)
        return upload

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and self.staged_name(name) not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None if isinstance(value, StagedFile) else value, attrs)
        context["widget"]["staged"] = self.staged
        context["widget"]["staged_name"] = self.staged_name(name)
        return context

    def use_required_attribute(self, initial):
        # A row with a kept photo needs no new file; the server says when one is missing.
        return False


class PhotoUploadField(forms.ImageField):
    """Our own checks run before Django's, so the editor reads why a file was refused.

    The upload's own name is never stored (images.stored_name), so it may be as long as the editor's
    computer allows, in any script: the model field's length applies to the stored name alone.
    """

    widget = StagedImageInput
    session_key = None  # whose staged photos this form may take (PhotoForm)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **(kwargs | {"max_length": None}))

    def to_python(self, data):
        if isinstance(data, StagedFile):
            data = staged_uploads.load(data.token, self.session_key)
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        inspect_upload(upload)
        staged = getattr(upload, "staged", None)
        upload = super().to_python(upload)
        upload.staged = staged
        return upload


class PhotoForm(forms.ModelForm):
    def __init__(self, *args, session_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "image" in self.fields:
            self.fields["image"].session_key = session_key

    def chosen_upload(self):
        """The new file this row carries once cleaned (a fresh or a kept one), or None."""
        upload = getattr(self, "cleaned_data", {}).get("image")
        return upload if hasattr(upload, "staged") else None


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True

    def __init__(self):
        super().__init__({"accept": ACCEPTED_TYPES})


class AddPhotosField(forms.FileField):
    """Several photos in one go: each one that passes the checks becomes a photo row to describe
    (ArticleAdmin.take_in_added_photos); the form reports the ones refused."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        return None


def check_added_photos(files, session_key, room):
    """(staged uploads, problems) for the files of the "Add photos" input, at most ``room`` of them kept."""
    staged, problems = [], []
    for upload in files:
        try:
            inspect_upload(upload)
        except ValidationError as error:
            problems.append(f"{upload.name}: {' '.join(error.messages)}")
            continue
        if len(staged) >= room:
            problems.append(f"{upload.name}: the story already has as many photos as it can take.")
            continue
        staged.append(staged_uploads.stage(upload, session_key))
    return staged, problems
