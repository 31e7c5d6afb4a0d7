"""`python -m analysis INPUT --out DIR …` — the same command as `pingjia analyze`."""
from .cli import main

main()
