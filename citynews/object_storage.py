"""
Uploaded photos in an S3-compatible bucket (django-storages), for several app servers to share.

settings.py calls ``bucket_storage()`` with what it read from the environment when ``MEDIA_BUCKET``
is set; without it photos stay in ``MEDIA_ROOT``. Nothing here imports boto3: the settings module
only describes the storage, django-storages builds it on first use.

Pages build a photo's ``src`` and ``srcset`` from the names stored on the row through the storage's
``url()``, once per image, so that call must never reach the network. With public URLs
django-storages formats them from ``custom_domain`` (a CDN, a domain of the bucket's own, or the
bucket's address on its endpoint); signed URLs are signed locally with the credentials. Either
way a page with sixty images costs no request to the bucket.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Names are fresh for every upload and rendition, so a stored object never changes.
IMMUTABLE = "public, max-age=31536000, immutable"


def bucket_storage(
    bucket, endpoint_url="", region="us-east-1", public_url="", signed=False, signed_seconds=3600, acl=""
):
    """``(STORAGES["default"], origin)``: the storage for ``bucket``, and the origin readers fetch photos from.

    ``endpoint_url`` is an S3-compatible service's address (MinIO, Ceph, a cloud's S3 API); empty
    means AWS itself. ``public_url`` is where readers fetch objects when the bucket is public (a
    CDN or a domain of its own); by default the bucket's own address. ``signed`` keeps the bucket
    private and gives readers URLs signed for ``signed_seconds``. ``acl`` is written with each
    object (``public-read`` for stores that have no bucket policies); empty leaves it to the bucket.
    """
    options = {
        "bucket_name": bucket,
        "region_name": region,
        "signature_version": "s3v4",
        # Names are unique (articles.images.stored_name): no existence check, no request, before a write.
        "file_overwrite": True,
        "object_parameters": {"CacheControl": IMMUTABLE},
        "default_acl": acl or None,
        "querystring_auth": signed,
        "querystring_expire": signed_seconds,
    }
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ImproperlyConfigured(f"MEDIA_ENDPOINT_URL must be an http(s) address, not {endpoint_url!r}")
        options["endpoint_url"] = endpoint_url.rstrip("/")
        # Objects at ENDPOINT/BUCKET/NAME: one origin, whatever the bucket's name.
        options["addressing_style"] = "path"
        bucket_address = f"{options['endpoint_url']}/{bucket}"
    else:
        # AWS: the region's own endpoint, so signed URLs name the same host as public ones.
        options["endpoint_url"] = f"https://s3.{region}.amazonaws.com"
        options["addressing_style"] = "virtual"
        bucket_address = f"https://{bucket}.s3.{region}.amazonaws.com"
    if signed:
        if public_url:
            raise ImproperlyConfigured(
                "MEDIA_PUBLIC_URL is for public buckets; signed URLs (MEDIA_SIGNED_URLS=1) point at the bucket itself"
            )
        origin = _origin(bucket_address)
    else:
        base = urlsplit((public_url or bucket_address).rstrip("/"))
        if base.scheme not in ("http", "https") or not base.netloc:
            raise ImproperlyConfigured(f"MEDIA_PUBLIC_URL must be an http(s) address, not {public_url!r}")
        options["url_protocol"] = f"{base.scheme}:"
        options["custom_domain"] = f"{base.netloc}{base.path}"
        origin = f"{base.scheme}://{base.netloc}"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, origin


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
