"""Photos in an S3-compatible bucket: written there with the right headers, and every address of them names it.

Runs against a real S3 server (moto's standalone server on a free port, tests/conftest.py).
"""

import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse

from citynews.object_storage import IMMUTABLE, bucket_storage
from tests.conftest import (
    BASE_DIR,
    S3_CREDENTIALS,
    free_port,
    make_article,
    make_photo,
    make_upload,
    new_bucket,
    parse,
    use_media_storage,
)

pytestmark = pytest.mark.django_db
AWS_BUCKET_ORIGIN = "https://news-media.s3.eu-west-1.amazonaws.com"


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


def photo_names(photo):
    names = [photo.image.name, *(rendition["name"] for rendition in photo.renditions)]
    return sorted([*names, *(crop["name"] for crop in photo.social_crops)])


def test_a_photo_and_its_renditions_are_written_to_the_bucket_with_image_types_and_immutable_caching(
    media_bucket, settings
):
    photo = make_photo(
        make_article(), image=make_upload("wide.png", fmt="PNG", content_type="image/png", size=(700, 400))
    )

    assert media_bucket.object_names() == photo_names(photo)
    assert [r["width"] for r in photo.renditions] == [320, 640, 700]
    for name in photo_names(photo):
        head = media_bucket.client.head_object(Bucket=media_bucket.name, Key=name)
        content_type = {"png": "image/png", "webp": "image/webp", "jpg": "image/jpeg"}[name.rsplit(".", 1)[1]]
        assert head["ContentType"] == content_type
        assert head["CacheControl"] == IMMUTABLE
    assert (
        photo.file_size
        == media_bucket.client.head_object(Bucket=media_bucket.name, Key=photo.image.name)["ContentLength"]
    )
    assert not Path(settings.MEDIA_ROOT).exists(), "nothing is written to the server's own folder"


def test_every_address_of_a_photo_names_the_bucket_and_answers_with_the_image(media_bucket, client, admin_client):
    article = make_article(title="Harbour lights")
    lead = make_photo(article, is_lead=True, alt_text="The harbour at night")
    gallery = make_photo(article, alt_text="A ferry", position=1)
    base = f"{media_bucket.public_url}/"

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert media_bucket.origin in response["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    page = parse(response)
    addresses = []
    for img in page.select("main img"):
        addresses.append(img["src"])
        addresses += [candidate.split()[0] for candidate in img["srcset"].split(", ")]
    addresses.append(page.select_one('meta[property="og:image"]')["content"])
    json_ld = json.loads(page.select_one('script[type="application/ld+json"]').string)
    addresses += [image["url"] for image in json_ld["image"]]
    feed = feedparser.parse(client.get(reverse("articles:rss")).content)
    addresses += [enclosure.href for entry in feed.entries for enclosure in entry.enclosures]
    change_page = parse(admin_client.get(reverse("admin:articles_article_change", args=[article.pk])))
    addresses += [img["src"] for img in change_page.select("td.field-preview img, div.field-preview img")]

    # Every file of both photos, but the JPEG crops for search engines and social cards: the lead's alone.
    crops = {crop["name"] for photo in (lead, gallery) for crop in photo.social_crops}
    shown = [name for photo in (lead, gallery) for name in photo_names(photo) if name not in crops]
    expected = {base + name for name in [*shown, *(crop["name"] for crop in lead.social_crops)]}
    assert set(addresses) == expected
    for address in expected:
        status, content_type, body = fetch(address)
        assert status == 200 and content_type.startswith("image/") and body


def test_pages_build_photo_addresses_without_asking_the_bucket(media_bucket, client, settings, s3_endpoint):
    article = make_article()
    photo = make_photo(article, is_lead=True)
    expected = parse(client.get(article.get_absolute_url())).select_one("main img")["srcset"]

    # The same public address, but the storage's endpoint is a port nothing answers on: any request
    # to the bucket while the page renders would fail it.
    storage, _ = bucket_storage(
        media_bucket.name, endpoint_url=f"http://127.0.0.1:{free_port()}", public_url=media_bucket.public_url
    )
    use_media_storage(settings, storage, media_bucket.origin)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert parse(response).select_one("main img")["srcset"] == expected
    assert photo.renditions[0]["name"] in expected
    assert client.get("/").status_code == 200


def test_a_private_bucket_gives_readers_signed_addresses(s3_endpoint, settings, client, monkeypatch):
    for name, value in S3_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket, s3 = new_bucket(s3_endpoint, public=False)
    storage, origin = bucket_storage(bucket, endpoint_url=s3_endpoint, signed=True, signed_seconds=600)
    use_media_storage(settings, storage, origin)
    article = make_article()
    photo = make_photo(article, is_lead=True)

    img = parse(client.get(article.get_absolute_url())).select_one("main img")
    assert origin == s3_endpoint
    assert img["src"].startswith(f"{s3_endpoint}/{bucket}/{photo.image.name}?") and "X-Amz-Signature=" in img["src"]
    assert fetch(img["src"])[0] == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(img["src"].split("?")[0])
    assert refused.value.code == 403


def test_the_orphan_sweep_lists_and_removes_unused_objects_in_the_bucket(media_bucket):
    photo = make_photo(make_article())
    for key in ("photos/2025/01/orphan.jpg", "photos/2025/01/orphan-320w.webp"):
        media_bucket.client.put_object(Bucket=media_bucket.name, Key=key, Body=b"x" * 10)
    media_bucket.client.put_object(Bucket=media_bucket.name, Key="elsewhere/other.txt", Body=b"x")

    def sweep(*args):
        out = io.StringIO()
        call_command("remove_orphaned_photo_files", "--older-than-hours", "0", *args, stdout=out)
        return out.getvalue().splitlines()

    assert sweep() == [
        "would remove photos/2025/01/orphan-320w.webp (10 bytes)",
        "would remove photos/2025/01/orphan.jpg (10 bytes)",
        "Found 2 unused photo files, 20 bytes; nothing removed (run with --delete to remove them).",
    ]
    assert sweep("--delete")[-1] == "Removed 2 unused photo files, 20 bytes."
    assert media_bucket.object_names() == sorted([*photo_names(photo), "elsewhere/other.txt"])
    # The default grace period keeps what was just written.
    out = io.StringIO()
    call_command("remove_orphaned_photo_files", stdout=out)
    assert "Found 0 unused photo files" in out.getvalue()


def settings_under(environment):
    """The media settings that settings.py derives from ``environment``, read in a fresh process."""
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.STORAGES['default'], settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'],"
        " settings.SERVE_MEDIA]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDIA_", "CITYNEWS_"))}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env=env | {"DJANGO_SETTINGS_MODULE": "citynews.settings", "PYTHONPATH": str(BASE_DIR)} | environment,
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
    )
    if result.returncode:
        return result.stderr.strip().splitlines()[-1]
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, ["django.core.files.storage.FileSystemStorage", ["'self'", "data:"], True]),
        (
            {"CITYNEWS_PRODUCTION": "1", "SECRET_KEY": "x" * 60},
            ["django.core.files.storage.FileSystemStorage", ["'self'", "data:"], False],
        ),
        (
            {"MEDIA_BUCKET": "news-media", "MEDIA_ENDPOINT_URL": "http://10.0.0.5:9000"},
            ["storages.backends.s3.S3Storage", ["'self'", "data:", "http://10.0.0.5:9000"], False],
        ),
        (
            {
                "MEDIA_BUCKET": "news-media",
                "MEDIA_REGION": "eu-west-1",
                "MEDIA_PUBLIC_URL": "https://media.example.org",
            },
            ["storages.backends.s3.S3Storage", ["'self'", "data:", "https://media.example.org"], False],
        ),
        (
            {"MEDIA_BUCKET": "news-media", "MEDIA_REGION": "eu-west-1", "MEDIA_SIGNED_URLS": "1"},
            [
                "storages.backends.s3.S3Storage",
                ["'self'", "data:", "https://news-media.s3.eu-west-1.amazonaws.com"],
                False,
            ],
        ),
    ],
)
def test_the_environment_chooses_the_media_storage_and_its_origin_joins_img_src(environment, expected):
    storage, img_src, serve_media = settings_under(environment)
    assert [storage["BACKEND"], img_src, serve_media] == expected


def test_a_public_cdn_address_keeps_its_path_and_protocol():
    storage, origin = bucket_storage("news-media", public_url="https://cdn.example.org/news/")
    assert origin == "https://cdn.example.org"
    assert storage["OPTIONS"]["custom_domain"] == "cdn.example.org/news"
    assert storage["OPTIONS"]["url_protocol"] == "https:"
    assert storage["OPTIONS"]["object_parameters"] == {"CacheControl": IMMUTABLE}


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        (
            {"MEDIA_SIGNED_URLS": "1", "MEDIA_PUBLIC_URL": "https://cdn.example.org"},
            "MEDIA_PUBLIC_URL is for public buckets",
        ),
        ({"MEDIA_SIGNED_URLS": "1", "MEDIA_SIGNED_URL_SECONDS": "200"}, "MEDIA_SIGNED_URL_SECONDS must be more than"),
        ({"MEDIA_ENDPOINT_URL": "minio:9000"}, "MEDIA_ENDPOINT_URL must be an http(s) address"),
    ],
)
def test_a_wrong_media_configuration_stops_the_start_with_a_clear_reason(environment, message):
    assert message in settings_under({"MEDIA_BUCKET": "news-media"} | environment)
