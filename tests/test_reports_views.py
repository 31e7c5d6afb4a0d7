"""Staff report pages, downloads and session photos (login required)."""
import io
import re
import zipfile

import pytest
from PIL import ExifTags, Image
from support.report import PHONE, make_evaluation
from support.staff import add_staff, csrf_token, log_in, make_session

from survey.extensions import db
from survey.reports.models import SessionPhoto
from survey.reports.photos import PhotoError, clean_image


def _post_files(client, url: str, data: dict, **kwargs):
    """POST multipart data encoded in memory: the test client would otherwise spool a large
    body to a temporary file that it never closes (a ResourceWarning in a later test)."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    fields = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, tuple):  # (stream, filename), as the test client takes them
                item = FileStorage(stream=item[0], filename=item[1], content_type="application/octet-stream")
            fields.add(key, item)
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f'multipart/form-data; boundary="{boundary}"', **kwargs)


@pytest.fixture
def code(app, client):
    code = make_evaluation(app)
    add_staff(app)
    log_in(client)
    return code


def _jpeg_with_gps(size=(640, 480)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.Base.Orientation] = 6  # rotated: cleaning must turn it upright
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (36.0, 12.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (117.0, 8.0, 0.0)
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_clean_image_removes_location():
    raw = _jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture has GPS
    clean = clean_image(raw)
    im = Image.open(io.BytesIO(clean.data))
    assert im.format == "JPEG" and (clean.width, clean.height) == (480, 640)  # upright
    assert not im.getexif() and b"GPS" not in clean.data and b"TestPhone" not in clean.data


@pytest.mark.parametrize("raw, message", [
    (b"", "空"), (b"not an image at all", "JPEG 或 PNG"), (b"GIF89a" + b"\0" * 40, "JPEG 或 PNG"),
])
def test_clean_image_refuses(raw, message):
    with pytest.raises(PhotoError, match=message):
        clean_image(raw)


def test_clean_image_refuses_other_formats_and_size():
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "GIF")
    with pytest.raises(PhotoError, match="JPEG 或 PNG"):
        clean_image(buf.getvalue())
    with pytest.raises(PhotoError, match="不能超过"):
        clean_image(_jpeg_with_gps(), max_bytes=100)


def test_pages_need_login(app):
    code = make_evaluation(app)
    client = app.test_client()
    for url in (f"/staff/reports/{code}", f"/staff/reports/{code}/report.docx", f"/staff/reports/{code}/export.xlsx"):
        assert client.get(url).status_code == 302


def test_session_page_has_buttons(client, code):
    page = client.get(f"/staff/sessions/{code}").get_data(as_text=True)
    for href in (f"/staff/reports/{code}/report.docx", f"/staff/reports/{code}/export.xlsx",
                 f"/staff/reports/{code}/export-csv.zip", f"/staff/reports/{code}\""):
        assert href in page
    assert 'name="photos"' in page


def test_report_page_masked_and_switch(client, code):
    page = client.get(f"/staff/reports/{code}").get_data(as_text=True)
    assert "关于《泰安市“十四五”知识产权保护和运用规划》的政策评价情况" in page
    # the statement that is only contact details is left out, masked or not
    assert "138****5678" not in page and PHONE not in page and "<script" not in page  # no script: :target
    # each drafted sentence links to what it stands on, shown beside it on click
    assert '<a class="claim" href="#ev-problems-' in page and 'data-statements="' in page
    assert '<aside class="evidence" id="ev-problems-' in page
    assert "@page" in page and "size: A4" in page and "data:image/png;base64," in page
    # The page's own stylesheet is allowed by a nonce; no other inline style is.
    response = client.get(f"/staff/reports/{code}")
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'<style nonce="{nonce}">' in response.get_data(as_text=True) and "unsafe-inline" not in csp
    plain = client.get(f"/staff/reports/{code}?unmasked=1").get_data(as_text=True)
    assert PHONE in plain and "未遮盖个人信息" in plain
    reviewed = client.get(f"/staff/reports/{code}?reviewed_only=1").get_data(as_text=True)
    assert "仅统计工作人员已审核的意见" in reviewed
    assert client.get("/staff/reports/nosuchcode").status_code == 404


def test_downloads(client, code):
    docx = client.get(f"/staff/reports/{code}/report.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK" and "attachment" in docx.headers["Content-Disposition"]
    html = client.get(f"/staff/reports/{code}/report.html")
    assert PHONE not in html.get_data(as_text=True) and "toolbar" not in html.get_data(as_text=True).split("<body>")[1]
    xlsx = client.get(f"/staff/reports/{code}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    z = zipfile.ZipFile(io.BytesIO(client.get(f"/staff/reports/{code}/export-csv.zip").data))
    assert sorted(z.namelist()) == sorted(["答卷.csv", "意见.csv", "主题.csv", "评分汇总.csv", "共识与分歧.csv"])
    assert z.read("答卷.csv").startswith(b"\xef\xbb\xbf")


def test_photo_upload_show_delete(app, client, code):
    url = f"/staff/sessions/{code}"
    def photos(page: str) -> str:
        return page.split("五、政策评价现场图片</h2>")[1].split("<h2>六、")[0]

    assert photos(client.get(f"/staff/reports/{code}").get_data(as_text=True)).strip() == ""  # no placeholder
    token = csrf_token(client, url)
    raw = _jpeg_with_gps((3000, 2000)) + b"\0" * 70_000  # trailing bytes after the image: still a JPEG
    assert len(raw) > 64 * 1024  # bigger than the app-wide limit for phone forms
    response = _post_files(client, f"{url}/photos", {"csrf_token": token, "caption": "座谈会现场",
                                                     "photos": [(io.BytesIO(raw), "IMG_0001.jpg"),
                                                                (io.BytesIO(b"MZ fake"), "virus.jpg")]},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已上传 1 张图片" in page and "virus.jpg：无法识别为 JPEG 或 PNG 图片" in page
    with app.app_context():
        photo = db.session.query(SessionPhoto).one()
        assert (photo.caption, photo.content_type, photo.original_name) == ("座谈会现场", "image/jpeg", "IMG_0001.jpg")
        assert max(photo.width, photo.height) == 2400
        photo_id = photo.id
    with client.get(f"{url}/photos/{photo_id}") as image:
        assert image.status_code == 200 and not Image.open(io.BytesIO(image.data)).getexif()
    other = make_session(app, status="open")  # another session's URL does not reach this photo
    assert client.get(f"/staff/sessions/{other}/photos/{photo_id}").status_code == 404
    assert client.post(f"/staff/sessions/{other}/photos/{photo_id}/delete", data={"csrf_token": token}).status_code == 404
    docx = client.get(f"/staff/reports/{code}/report.docx").data
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(io.BytesIO(docx)).namelist())
    report = client.get(f"/staff/reports/{code}").get_data(as_text=True)
    assert "座谈会现场" in photos(report) and "<figure><img" in photos(report)
    client.post(f"{url}/photos/{photo_id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.query(SessionPhoto).count() == 0


def test_photo_upload_needs_csrf(client, code):
    response = client.post(f"/staff/sessions/{code}/photos",
                           data={"photos": [(io.BytesIO(_jpeg_with_gps()), "a.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 400


def test_group_analysis_page_links_the_group_report(app, client, code):
    from support.staff import make_session

    from survey.evaluations import group_by_codes

    other = make_session(app, title="网上问卷")
    with app.app_context():
        group = group_by_codes([code, other], "座谈会与网上问卷").code
        db.session.commit()
    page = client.get(f"/staff/groups/{group}/analysis").get_data(as_text=True)
    assert f"/staff/reports/{group}/report.docx" in page and f"/staff/reports/{group}/export.xlsx" in page
    report = client.get(f"/staff/reports/{group}").get_data(as_text=True)
    assert "3 份问卷" in report  # both sessions' answers (the second has none yet)


def test_clean_png_drops_exif_and_text():
    from PIL import PngImagePlugin

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "拍摄于泰安市某地")
    buf = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(buf, "PNG", exif=exif, pnginfo=info)
    assert b"eXIf" in buf.getvalue() and b"Comment" in buf.getvalue()
    clean = clean_image(buf.getvalue())
    assert clean.content_type == "image/png" and (clean.width, clean.height) == (50, 40)
    assert b"eXIf" not in clean.data and b"Comment" not in clean.data and b"TestPhone" not in clean.data


def test_photo_upload_too_large(client, code):
    from survey.reports.photos import MAX_BYTES

    url = f"/staff/sessions/{code}"
    token = csrf_token(client, url)
    from survey.limits import PHOTOS_BODY_MAX

    huge = b"\xff\xd8" + b"\0" * (PHOTOS_BODY_MAX + 128 * 1024)  # more than the route takes
    response = _post_files(client, f"{url}/photos", {"csrf_token": token, "photos": [(io.BytesIO(huge), "big.jpg")]})
    assert response.status_code == 413 and "内容过长" in response.get_data(as_text=True)
    one_too_big = b"\xff\xd8" + b"\0" * (MAX_BYTES + 10)
    page = _post_files(client, f"{url}/photos", {"csrf_token": token, "photos": [(io.BytesIO(one_too_big), "b.jpg")]},
                       follow_redirects=True).get_data(as_text=True)
    assert "b.jpg：图片不能超过 10 MB" in page


def test_a_reviewed_only_report_before_any_review_says_it_holds_no_statement(app, client):
    """只统计已审核意见 before staff reviewed anything: the page says why （二） has nobody's words."""
    code = make_session(app, status="open")
    add_staff(app)
    log_in(client)
    note = "还没有已审核的意见"
    assert note in client.get(f"/staff/reports/{code}?reviewed_only=1").get_data(as_text=True)
    assert note not in client.get(f"/staff/reports/{code}").get_data(as_text=True)


def test_a_reviewed_only_report_after_a_review_has_no_such_note(client, code):
    assert "还没有已审核的意见" not in client.get(f"/staff/reports/{code}?reviewed_only=1").get_data(as_text=True)
