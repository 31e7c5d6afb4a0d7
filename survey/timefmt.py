"""Times: stored in UTC (created_at and friends), shown in Beijing time.

`starts_at` is different: staff type the local wall-clock time of the meeting and it is stored
as typed. China has one zone and no daylight saving, so a fixed offset is enough and needs no
tz database (office PCs run Windows, where zoneinfo would need the tzdata package).
"""
from __future__ import annotations

import datetime as dt

from flask import Flask

LOCAL_TZ = dt.timezone(dt.timedelta(hours=8), "北京时间")


def utc_to_local(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_TZ).replace(tzinfo=None)


def local_to_utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc).replace(tzinfo=None)


def format_datetime(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def format_chinese_datetime(value: dt.datetime | None) -> str:
    """2023年11月15日 14:30, the way the office writes dates on notices."""
    if value is None:
        return "时间待定"
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


def register(app: Flask) -> None:
    app.add_template_filter(lambda v: format_datetime(utc_to_local(v)) if v else "", "localtime")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_chinese_datetime, "cndatetime")
