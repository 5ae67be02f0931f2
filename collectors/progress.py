"""A rich progress display fed by collection ProgressEvents (one bar per device).

    with CollectProgress(err_console) as progress:
        collect_site(site, root, on_progress=progress)
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from collectors.base import ProgressEvent


class CollectProgress:
    """Callable progress hook: a bar per device, its last command, and its outcome when done."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.fields[device]:<20}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[status]}"),
            console=console,
        )
        self.tasks: dict[tuple[str, str], TaskID] = {}

    def __enter__(self) -> CollectProgress:
        self.progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.stop()

    def _task(self, event: ProgressEvent) -> TaskID:
        key = (event.site, event.device)
        if key not in self.tasks:
            name = f"{event.site}/{event.device}"
            self.tasks[key] = self.progress.add_task(name, total=event.total or None, device=name, status="")
        return self.tasks[key]

    def __call__(self, event: ProgressEvent) -> None:
        """Show ``event`` (the runner calls this from its worker threads, one at a time)."""
        task = self._task(event)
        if event.kind == "command_done":
            status = event.command if event.ok else f"[red]{event.command} failed"
            self.progress.update(task, completed=event.done, total=event.total, status=status)
        elif event.kind == "device_done":
            status = "[green]collected" if event.ok else f"[red]not assessed — {event.reason}"
            total = self.progress.tasks[self.tasks[(event.site, event.device)]].total
            self.progress.update(task, completed=total or event.done, status=status)
