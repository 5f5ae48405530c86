"""deploy/backup.sh and deploy/restore.sh: dump, wipe, restore, and nothing is lost."""

import hashlib
import shutil
import subprocess
import sys
import tarfile

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from articles.models import Article, Photo
from citynews.object_storage import IMMUTABLE
from tests.conftest import S3_CREDENTIALS, make_article, make_photo, make_section

from .conftest import BASE_DIR, postgres_only


def database_url():
    database = connection.settings_dict
    # Only ever the throwaway test database pytest-django created.
    assert database["NAME"].startswith("test_")
    return (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )


def row_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        return counts


def media_checksums():
    root = settings.MEDIA_ROOT
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def run(script, *arguments, **environment):
    return subprocess.run(
        [str(BASE_DIR / "deploy" / script), *map(str, arguments)],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
        | environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@postgres_only
def test_backup_wipe_restore_gives_back_every_row_and_every_photo(transactional_db, tmp_path):
    section = make_section(name="Rankings")
    for n in range(3):
        article = make_article(section=section, tags=["mobility", f"tag-{n}"])
        make_photo(article, alt_text=f"Photo {n}")
    counts_before, checksums_before = row_counts(), media_checksums()
    assert counts_before["articles_article"] == 3
    assert len(checksums_before) >= 3  # originals plus their renditions

    backup = run("backup.sh", tmp_path / "backup")
    assert backup.returncode == 0, backup.stderr
    assert sorted(path.name for path in (tmp_path / "backup").iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.sha256",
        "media.tar.gz",
    ]

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert (Article.objects.count(), Photo.objects.count(), settings.MEDIA_ROOT.exists()) == (0, 0, False)

    restore = run("restore.sh", tmp_path / "backup")
    assert restore.returncode == 0, restore.stderr
    assert row_counts() == counts_before
    assert media_checksums() == checksums_before
    assert sorted(Article.objects.values_list("section__name", flat=True)) == ["Rankings"] * 3
    assert all(photo.image.storage.exists(photo.image.name) for photo in Photo.objects.all())


@postgres_only
def test_with_photos_in_a_bucket_backup_and_restore_bring_back_every_object(transactional_db, tmp_path, media_bucket):
    for n in range(2):
        make_photo(make_article(), alt_text=f"Photo {n}")
    s3, bucket = media_bucket.client, media_bucket.name

    def objects():
        return {key: s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in media_bucket.object_names()}

    objects_before, counts_before = objects(), row_counts()
    assert len(objects_before) >= 4
    bucket_settings = {
        "PYTHON": sys.executable,
        "MEDIA_BUCKET": bucket,
        "MEDIA_ENDPOINT_URL": media_bucket.endpoint,
        "MEDIA_ROOT": str(tmp_path / "unused"),
        **S3_CREDENTIALS,
    }
    backup = run("backup.sh", tmp_path / "backup", **bucket_settings)
    assert backup.returncode == 0, backup.stderr
    with tarfile.open(tmp_path / "backup" / "media.tar.gz") as archive:
        archived = {member.name.removeprefix("./") for member in archive.getmembers() if member.isfile()}
    assert archived == set(objects_before)

    call_command("flush", interactive=False, verbosity=0)
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in objects_before]})
    assert media_bucket.object_names() == []

    restore = run("restore.sh", tmp_path / "backup", **bucket_settings)
    assert restore.returncode == 0, restore.stderr
    assert row_counts() == counts_before
    assert objects() == objects_before
    for key in objects_before:
        head = s3.head_object(Bucket=bucket, Key=key)
        assert head["ContentType"] in ("image/jpeg", "image/webp") and head["CacheControl"] == IMMUTABLE
    assert not (tmp_path / "unused").exists()


@postgres_only
def test_restore_refuses_a_damaged_backup_and_leaves_the_database_alone(transactional_db, tmp_path):
    make_photo(make_article())
    assert run("backup.sh", tmp_path / "backup").returncode == 0
    dump = tmp_path / "backup" / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-64])
    written_since = make_article(title="Filed after the backup")
    counts_before = row_counts()

    restore = run("restore.sh", tmp_path / "backup")
    assert restore.returncode != 0
    assert "database.dump: FAILED" in restore.stdout + restore.stderr
    assert row_counts() == counts_before
    assert Article.objects.filter(pk=written_since.pk).exists()


def test_backup_refuses_to_overwrite_an_existing_backup(tmp_path):
    (tmp_path / "backup").mkdir()
    result = subprocess.run(
        [str(BASE_DIR / "deploy" / "backup.sh"), str(tmp_path / "backup")],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "MEDIA_ROOT": "/none"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "already exists; refusing to overwrite a backup" in result.stderr
