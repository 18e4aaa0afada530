"""Where reports go: the object in `REPORTS_BUCKET`, its pre-signed link, and the `REPORT#` item.

Objects live at `reports/<user_id>/<report_id>.<ext>`, encrypted at rest (SSE-S3, also the bucket default)
and deleted by the bucket's lifecycle rule after `RETENTION_DAYS`; the `REPORT#<report_id>` item in the
user's partition expires (TTL) at the same time. Download links are S3 pre-signed GETs valid for
`LINK_SECONDS`, signed with SigV4 for the bucket's regional virtual-hosted host (`aws.s3_presigner`); on the
local stack they point at the emulator (`AWS_ENDPOINT_URL`), which serves them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bidcraft import aws, clock, config
from bidcraft.analytics.items import user_pk
from bidcraft.analytics.reports.models import LINK_SECONDS
from bidcraft.errors import ServiceUnavailable
from bidcraft.tables import base
from bidcraft.tables.analytics.reports import ReportRecord

logger = logging.getLogger(__name__)

RETENTION_DAYS = 30


class ReportSettings(config.BaseSettings):
    reports_bucket: str


def object_key(user_id: str, report_id: str, extension: str) -> str:
    return f"reports/{user_id}/{report_id}.{extension}"


def _failed(what: str, exc: BaseException) -> ServiceUnavailable:
    logger.error("report storage failed", extra={"step": what, "error": aws.error_code(exc)})
    return ServiceUnavailable("The report could not be stored; try again")


def upload(key: str, body: bytes, *, content_type: str, filename: str) -> None:
    try:
        aws.client("s3").put_object(
            Bucket=config.load(ReportSettings).reports_bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ContentDisposition=f'attachment; filename="{filename}"',
            ServerSideEncryption="AES256",
            CacheControl="private, no-store",
        )
    except aws.AWS_ERRORS as exc:
        raise _failed("upload", exc) from exc


def presign(key: str) -> str:
    try:
        url = aws.s3_presigner().generate_presigned_url(
            "get_object",
            Params={"Bucket": config.load(ReportSettings).reports_bucket, "Key": key},
            ExpiresIn=LINK_SECONDS,
        )
    except aws.AWS_ERRORS as exc:
        raise _failed("presign", exc) from exc
    return str(url)


def record(
    *,
    user_id: str,
    report_id: str,
    report_type: str,
    period: str,
    file_format: str,
    key: str,
    size_bytes: int,
    created_at: datetime,
) -> None:
    """The `REPORT#` item (one `PutItem`, never overwriting)."""
    record = ReportRecord(
        user_pk(user_id),
        f"REPORT#{report_id}",
        kind="report",
        user_id=user_id,
        report_id=report_id,
        report_type=report_type,
        period=period,
        format=file_format,
        s3_key=key,
        size_bytes=size_bytes,
        created_at=clock.iso(created_at),
        expires_at=clock.epoch(created_at + timedelta(days=RETENTION_DAYS)),
    )
    try:
        record.save(condition=ReportRecord.pk.does_not_exist())
    except base.STORAGE_ERRORS as exc:
        raise _failed("record", exc) from exc
