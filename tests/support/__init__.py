"""Helpers the tests share: staff sessions and logins, phone answers, import files shaped like
问卷星/腾讯问卷 downloads, seeded reviews and reports."""
