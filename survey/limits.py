"""Size limits, one constant each, shared by the models (column sizes), the forms, the rules
layer and the CLI, so a value that passes the edge always fits its column on PostgreSQL."""
from __future__ import annotations

# Column sizes (survey/models.py uses these).
USERNAME_MAX = 64
DISPLAY_NAME_MAX = 64
PASSWORD_MAX = 256
SESSION_TITLE_MAX = 200
ORGANISER_MAX = 200
PLACE_MAX = 200
ORGANISATION_MAX = 200
PERSON_MAX = 100
SUBMISSION_ID_MAX = 64
LABEL_MAX = 200  # a theme's name (machine or staff)
EVALUATION_TITLE_MAX = 200
# Free-text answers (Text columns): a limit of the form, not of the database.
ANSWER_MAX = 2000

# Request bodies. A phone's answer is at most ~2 x 2000 characters; urlencoded, one CJK
# character takes 9 bytes (%E4%B8%AD), so 64 KiB leaves room for both answers and the ratings.
PARTICIPANT_BODY_MAX = 64 * 1024
# The staff session form carries the roster. The worst case is 12 bytes a character (a 4-byte
# UTF-8 character percent-encoded), so ROSTER_MAX characters plus the other fields fit in
# STAFF_BODY_MAX and a too-long roster is answered by the form's own message, never by a 413.
ROSTER_MAX = 20_000
STAFF_BODY_MAX = 256 * 1024
# Files staff upload. Each route that takes a file declares its limit where it is declared
# (`@body_limit(...)` below); the phone form keeps PARTICIPANT_BODY_MAX.
UPLOAD_MAX = 16 * 1024 * 1024  # a spreadsheet for import (a 问卷星 export of thousands of answers is below)
PHOTO_MAX = 10 * 1024 * 1024  # one photo as uploaded; phones take 3-8 MB
PHOTOS_PER_UPLOAD = 5
PHOTOS_BODY_MAX = PHOTOS_PER_UPLOAD * PHOTO_MAX + 64 * 1024  # five photos and the form fields
# waitress stops reading a body beyond this (the largest per-route limit), so a bigger upload
# is refused before it is read into memory or a temporary file.
SERVER_BODY_MAX = max(STAFF_BODY_MAX, UPLOAD_MAX, PHOTOS_BODY_MAX)

assert ROSTER_MAX * 12 + 16 * 1024 <= STAFF_BODY_MAX


def body_limit(max_bytes: int):
    """A route's request-body limit, declared with the route (under `@bp.route`):

        @bp.route("/import", methods=["GET", "POST"])
        @body_limit(UPLOAD_MAX)
        def upload(code): ...

    The request (survey.cleaning.CleanRequest) reads it before the body is parsed, for the
    whole body and for werkzeug's multipart buffer alike: werkzeug applies its form-memory
    limit to the bytes it holds while looking for the next boundary, so a file with few line
    breaks would otherwise get a 413 at the phone form's 64 KiB."""
    def mark(view):
        view.body_max = max_bytes
        return view

    return mark

# Live pages (the wall, staff pages) held open as server-sent-event streams at once in one server
# process; beyond it a page polls. `pingjia serve` adds this many threads to waitress's own, so
# open streams never take the threads that serve the phones (survey/wall/hub.py).
LIVE_STREAMS_MAX = 16
