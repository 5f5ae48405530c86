"""
Files written for a database row that is not committed yet: removed, explicitly, when the work fails.

``Photo.save()`` writes the image and its renditions before the row that names them (the row stores
their names and sizes). Two blocks, both atomic, keep the files in step with the rows:

- ``kept_if_committed(storage, using)`` wraps one photo's save. If anything inside fails, the files
  it wrote are removed there and then. If it succeeds, they are handed to the enclosing
  ``removed_on_failure`` block, if there is one.
- ``removed_on_failure(using)`` wraps a unit of work that saves photos and may fail after them: the
  admin's save of a story with its photos, the import of a story. If it ends in an exception (its
  transaction or savepoint rolls back), every file its photos wrote is removed.

Django has no rollback hook, so a transaction that rolls back outside such a block (a script's own
``atomic()``), or a process killed mid-save, leaves files that no row names: ``manage.py
remove_orphaned_photo_files`` finds and removes them once they are older than its grace period.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)

# The files written inside the innermost removed_on_failure() block: [(storage, [names])].
_written_in_block = ContextVar("written_in_block", default=None)


def remove_files(storage, names):
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # a file left behind is only disk space (the sweep finds it); never fail the caller
            logger.exception("Could not remove %s", name)


@contextmanager
def removed_on_failure(using=None):
    """An atomic block: the files of every photo saved inside it are removed if it ends in an exception."""
    written = []
    token = _written_in_block.set(written)
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        for storage, names in written:
            remove_files(storage, names)
        raise
    finally:
        _written_in_block.reset(token)
    if (enclosing := _written_in_block.get()) is not None:
        # Committed only with the enclosing block: if that one fails, these go too.
        enclosing.extend(written)


@contextmanager
def kept_if_committed(storage, using):
    """An atomic block around one save: the files named in the list it yields are removed if the block
    fails, and later if the enclosing ``removed_on_failure`` block fails."""
    names = []
    try:
        with transaction.atomic(using=using):
            yield names
    except BaseException:
        remove_files(storage, names)
        raise
    if (enclosing := _written_in_block.get()) is not None:
        enclosing.append((storage, names))
