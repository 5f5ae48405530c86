"""
Files written for a database row that is not committed yet: removed if it never is.

``Photo.save()`` writes the image and its renditions before the row that names them (the row
stores their names and sizes). When that row's transaction rolls back, whether the row itself
failed or anything later in the same atomic block did (the admin's next inline, an import's next
photo), no row names the files any more.

Django has ``on_commit()`` and, on purpose, no rollback hook; what it does promise is that the
on-commit callbacks of a transaction or savepoint that rolls back are discarded, never called. So
the written names go to an on-commit callback that, when called, notes the commit, and when
discarded uncalled removes the files. CPython frees a discarded callback at once, so the files
go while the rollback happens. A process killed mid-transaction runs no Python at all: its files
are left to ``manage.py remove_orphaned_photo_files``.

A failing on-commit callback makes Django skip the ones registered after it, which would then be
discarded uncalled after a commit: every callback in this project is registered ``robust=True``.
"""

import logging
from contextlib import contextmanager

from django.db import transaction

logger = logging.getLogger(__name__)


def remove_files(storage, names):
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # a file left behind is only disk space (the sweep finds it); never fail the caller
            logger.exception("Could not remove %s", name)


class _KeptIfCommitted:
    """The on-commit callback: called, the files stay; discarded without being called, they go."""

    def __init__(self, storage, names):
        self.storage, self.names, self.settled = storage, names, False

    def __call__(self):
        self.settled = True

    def remove(self):
        self.settled = True
        remove_files(self.storage, self.names)

    def __del__(self):
        if not self.settled:
            self.remove()


@contextmanager
def kept_if_committed(storage, using):
    """An atomic block: the files named in the list it yields stay only if it commits (with any outer block).

    A failure inside the block removes them at once; a rollback of an enclosing block later, when
    Django discards the block's on-commit callbacks.
    """
    written = []
    files = _KeptIfCommitted(storage, written)
    try:
        with transaction.atomic(using=using):
            # The block's first callback: as the outermost block, nothing can fail before it runs.
            transaction.on_commit(files, using=using, robust=True)
            yield written
    except BaseException:
        # Not settled means not committed (a failing later callback comes after ours): no row names them.
        if not files.settled:
            files.remove()
        raise
