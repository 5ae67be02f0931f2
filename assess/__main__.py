"""`python -m assess` runs the command line."""

from assess import startup_gc

startup_gc.pause()  # before the command line's imports: see assess/startup_gc.py

from assess.cli import main  # noqa: E402  # after the pause, on purpose

main()
