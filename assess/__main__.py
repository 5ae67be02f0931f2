"""`python -m assess` and the installed `assess` script run the command line."""

from assess import startup_gc


def main() -> None:
    """Pause the collector, then import and run the command line (see assess/startup_gc.py)."""
    startup_gc.pause()
    from assess.cli import main as run_command_line  # imported after the pause, on purpose

    run_command_line()


if __name__ == "__main__":
    main()
