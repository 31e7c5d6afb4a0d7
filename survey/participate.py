"""The participant survey: opened from the QR code on a phone, no account needed."""
from flask import Blueprint

bp = Blueprint("participate", __name__)
