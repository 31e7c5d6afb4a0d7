"""Request-body limits per route (survey.limits.body_limit): staff uploads get the size the
README promises (imports 16 MB, photos 10 MB each), whatever their bytes look like, and the
phone form keeps its 64 KiB limit for the whole body and for the form parser's memory."""
from __future__ import annotations

import io
import os
import uuid

import pytest
from PIL import Image
from support.participate import csrf_token as page_token
from support.participate import make_session as make_open_session
from support.participate import valid_answer
from support.report import make_evaluation
from support.staff import add_staff, csrf_token, log_in, make_session

from survey.extensions import db
from survey.limits import PARTICIPANT_BODY_MAX, PHOTOS_BODY_MAX, SERVER_BODY_MAX, UPLOAD_MAX
from survey.reports.models import SessionPhoto


def post_files(client, url: str, fields: dict, files: list[tuple[str, bytes, str]], **kwargs):
    """POST multipart encoded in memory (the test client spools large bodies to a temporary
    file it never closes)."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    data = MultiDict(fields)
    for key, content, name in files:
        data.add(key, FileStorage(stream=io.BytesIO(content), filename=name, content_type="application/octet-stream"))
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f'multipart/form-data; boundary="{boundary}"', **kwargs)


@pytest.fixture
def staff(app, client):
    add_staff(app)
    log_in(client)
    return client


def test_limits_are_declared_on_the_routes(app):
    assert app.view_functions["imports.upload"].body_max == UPLOAD_MAX == 16 * 1024 * 1024
    assert app.view_functions["reports.photo_upload"].body_max == PHOTOS_BODY_MAX
    assert SERVER_BODY_MAX == max(UPLOAD_MAX, PHOTOS_BODY_MAX)


@pytest.mark.parametrize("line_every", [None, 50_000, 64])
def test_a_1_mb_import_passes_wherever_its_line_breaks_fall(app, staff, line_every):
    # werkzeug holds a part in its form-memory buffer until it finds a line break: with the
    # phone form's 64 KiB there, a file with long lines got a 413 (issue 17).
    code = make_session(app)
    chunk = b"x" * (line_every or 1_000_000)
    body = "单位名称,意见建议\n".encode() + b"\n".join([chunk] * (1_000_000 // len(chunk)))
    token = csrf_token(staff, f"/staff/sessions/{code}/import")
    response = post_files(staff, f"/staff/sessions/{code}/import", {"csrf_token": token, "source": ""},
                          [("file", body, "answers.csv")])
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert "/import/" in response.headers["Location"]


def test_an_import_over_16_mb_is_refused_with_the_bound(app, staff):
    code = make_session(app)
    token = csrf_token(staff, f"/staff/sessions/{code}/import")
    response = post_files(staff, f"/staff/sessions/{code}/import", {"csrf_token": token},
                          [("file", b"a" * (UPLOAD_MAX + 1), "big.csv")])
    assert response.status_code == 413
    assert "文件超过 16 MB，请分成几个文件导入。" in response.get_data(as_text=True)


def _noise_jpeg(size: tuple[int, int], quality: int = 95) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "JPEG", quality=quality)
    return out.getvalue()


def test_photos_of_several_mb_are_stored(app, client):
    code = make_evaluation(app)
    add_staff(app)
    log_in(client)
    big = _noise_jpeg((2000, 1500))
    assert 3 * 1024 * 1024 < len(big) < 10 * 1024 * 1024
    token = csrf_token(client, f"/staff/sessions/{code}")
    response = post_files(client, f"/staff/sessions/{code}/photos", {"csrf_token": token},
                          [("photos", big, "a.jpg"), ("photos", big, "b.jpg")], follow_redirects=True)
    assert response.status_code == 200
    assert "已上传 2 张图片" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(SessionPhoto).count() == 2


def test_photo_body_over_the_route_limit_names_the_limit(app, client):
    code = make_evaluation(app)
    add_staff(app)
    log_in(client)
    token = csrf_token(client, f"/staff/sessions/{code}")
    response = post_files(client, f"/staff/sessions/{code}/photos", {"csrf_token": token},
                          [("photos", b"\xff\xd8" + b"\0" * PHOTOS_BODY_MAX, "huge.jpg")])
    assert response.status_code == 413
    assert "提交的内容超过了允许的大小（50.1 MB）" in response.get_data(as_text=True)


def test_the_phone_form_keeps_its_64_kib_limit_for_multipart_too(app, client):
    with app.app_context():
        session = make_open_session("open")
        code = session.code
        token = page_token(client.get(f"/s/{code}").get_data(as_text=True))
        data = valid_answer(session, csrf_token=token, submission_id=str(uuid.uuid4()))
    data["problems"] = "很" * (PARTICIPANT_BODY_MAX // 3 + 10)  # 3 bytes a character, no line break
    response = post_files(client, f"/s/{code}", data, [])
    assert response.status_code == 413
    assert "64" in response.get_data(as_text=True)


# ---- photos: metadata and pixel budget --------------------------------------------------------

def _segments(jpeg: bytes) -> list[int]:
    """The markers of a JPEG's segments up to the image data (SOS)."""
    assert jpeg[:2] == b"\xff\xd8"
    markers, at = [], 2
    while at < len(jpeg):
        assert jpeg[at] == 0xFF
        marker = jpeg[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: pixel data follows
            break
        at += 2 + int.from_bytes(jpeg[at + 2:at + 4], "big")
    return markers


def _jpeg_with_every_kind_of_metadata() -> bytes:
    from PIL import ImageCms

    out = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (400, 300), (20, 120, 200)).save(
        out, "JPEG", comment=b"GPS 36.2N 117.1E taken at home <script>alert(1)</script>",
        icc_profile=srgb, xmp=b"<x:xmpmeta>home address</x:xmpmeta>",
        extra=b"\xff\xed\x00\x10Photoshop 3.0\x00")  # APP13 (IPTC), as some editors write
    raw = out.getvalue()
    assert b"taken at home" in raw and b"home address" in raw
    return raw


def test_photo_re_encoding_drops_comment_and_every_app_segment():
    from survey.reports.photos import clean_image

    cleaned = clean_image(_jpeg_with_every_kind_of_metadata()).data
    markers = _segments(cleaned)
    assert 0xFE not in markers  # COM
    assert [m for m in markers if 0xE0 <= m <= 0xEF] in ([], [0xE0])  # at most the JFIF header
    for needle in (b"taken at home", b"<script>", b"home address", b"Photoshop", b"ICC_PROFILE"):
        assert needle not in cleaned


def test_png_text_and_profile_are_dropped():
    from PIL import PngImagePlugin

    from survey.reports.photos import clean_image

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at home")
    info.add_itxt("XML:com.adobe.xmp", "home address")
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (1, 2, 3, 128)).save(out, "PNG", pnginfo=info, dpi=(300, 300))
    cleaned = clean_image(out.getvalue()).data
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP", b"pHYs"):
        assert chunk not in cleaned


def test_a_small_png_claiming_a_huge_picture_is_refused_before_decoding():
    # issue 17: 7745 x 7745 (227 KB, under the old 60 M pixel budget) cost 780 MB.
    from survey.reports.photos import PhotoError, clean_image

    out = io.BytesIO()
    Image.new("1", (7745, 7745)).save(out, "PNG")
    assert len(out.getvalue()) < 1024 * 1024
    with pytest.raises(PhotoError, match="图片像素过大（7745×7745），PNG 图片最多 1600 万像素"):
        clean_image(out.getvalue())


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    from PIL import JpegImagePlugin

    from survey.reports import photos

    scales = []
    real_draft = JpegImagePlugin.JpegImageFile.draft

    def draft(self, mode, size):
        result = real_draft(self, mode, size)
        scales.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", draft)
    out = io.BytesIO()
    Image.new("RGB", (8000, 6000), (10, 10, 10)).save(out, "JPEG", quality=50)
    cleaned = photos.clean_image(out.getvalue())
    assert scales == [(4000, 3000)]  # decoded at 1/2: 12 M pixels in memory, not 48 M
    assert (cleaned.width, cleaned.height) == (2400, 1800)
