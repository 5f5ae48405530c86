"""Photos chosen in an article form that did not save, kept for the editor's next try.

A file that passed the upload checks (articles/images.py) is written to the private ``staged_uploads``
storage (settings.STORAGES: outside MEDIA_ROOT, never given an address) under a random name, and the form
carries a signed token naming it, the editor's session and the file's own name. The next submit of the
form without a new file takes the staged one instead: the same session only, and for
``STAGED_UPLOAD_MAX_AGE`` seconds. The form shows a thumbnail drawn into the page (a ``data:`` address),
so nothing staged is ever served.

A saved photo's staged file is removed once the save commits; an expired one when a form asks for it,
and otherwise by ``manage.py remove_expired_staged_uploads`` (run it hourly), which removes every staged
file older than the limit.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from . import images

SALT = "articles.staged-upload"
FILE_NAME_LENGTH = 100


def staging_storage():
    return storages["staged_uploads"]


def session_digest(session_key):
    return hashlib.sha256((session_key or "").encode()).hexdigest()[:32]


@dataclass
class StagedUpload:
    token: str
    name: str  # in the staging storage
    file_name: str  # as the editor chose it, for display only
    thumbnail: str  # a data: address


def stage(upload, session_key):
    """Keep an inspected ``upload`` for the session's next try; an upload already staged keeps its token."""
    if (staged := getattr(upload, "staged", None)) is not None:
        return staged
    upload.seek(0)
    name = images.write_file(staging_storage(), uuid.uuid4().hex, upload, [])  # a failed write leaves nothing
    file_name = (upload.name or "photo")[:FILE_NAME_LENGTH]
    token = signing.dumps({"name": name, "session": session_digest(session_key), "file": file_name}, salt=SALT)
    upload.staged = StagedUpload(token, name, file_name, images.thumbnail_data_uri(upload))
    return upload.staged


EXPIRED = "The photo you chose earlier has expired; choose it again."


def load(token, session_key):
    """The staged upload ``token`` names, as a fresh upload; ValidationError when it is not this session's
    or has expired (its file is then removed)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.STAGED_UPLOAD_MAX_AGE)
    except signing.SignatureExpired:
        discard_name(signing.loads(token, salt=SALT)["name"])
        raise ValidationError(EXPIRED, code="staged_expired") from None
    except signing.BadSignature:
        raise ValidationError("The photo chosen earlier cannot be found; choose it again.", code="staged_bad") from None
    if data["session"] != session_digest(session_key):
        raise ValidationError("The photo chosen earlier cannot be found; choose it again.", code="staged_bad")
    storage = staging_storage()
    try:
        with storage.open(data["name"]) as stored:
            content = stored.read()
    except FileNotFoundError:
        raise ValidationError(EXPIRED, code="staged_expired") from None
    upload = SimpleUploadedFile(data["file"], content)
    images.inspect_upload(upload)
    upload.staged = StagedUpload(token, data["name"], data["file"], images.thumbnail_data_uri(upload))
    return upload


def discard_name(name):
    storage = staging_storage()
    if storage.exists(name):
        storage.delete(name)


def discard_after_commit(upload):
    """The upload was saved as a photo: its staged copy goes once that save commits."""
    if (staged := getattr(upload, "staged", None)) is not None:
        transaction.on_commit(lambda: discard_name(staged.name), robust=True)


def expired_names(now=None):
    """Staged files older than the limit, whatever token named them."""
    storage = staging_storage()
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.STAGED_UPLOAD_MAX_AGE)
    try:
        _, files = storage.listdir("")
    except FileNotFoundError:  # nothing was ever staged
        return []
    return sorted(name for name in files if storage.get_modified_time(name) < cutoff)


def remove_expired(now=None):
    names = expired_names(now)
    for name in names:
        staging_storage().delete(name)
    return names
