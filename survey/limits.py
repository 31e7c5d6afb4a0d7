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
# A spreadsheet staff upload for import (a 问卷星 export of a few thousand answers is well below).
UPLOAD_MAX = 16 * 1024 * 1024
# waitress stops reading a body beyond this (the largest per-route limit), so a 50 MB upload
# is refused before it is read into memory or a temporary file.
SERVER_BODY_MAX = max(STAFF_BODY_MAX, UPLOAD_MAX)

assert ROSTER_MAX * 12 + 16 * 1024 <= STAFF_BODY_MAX
