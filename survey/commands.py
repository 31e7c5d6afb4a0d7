"""`pingjia` management commands, registered on the app's CLI (flaskr db.py pattern)."""
from flask import Flask


def register(app: Flask) -> None:
    pass
