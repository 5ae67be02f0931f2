"""A reflector running in a background thread on loopback, for tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from reflector.server import Reflector, ReflectorConfig


@contextmanager
def running_reflector(
    service: Reflector | None = None, loop_errors: list[dict[str, object]] | None = None, **options: object
) -> Iterator[tuple[Reflector, int]]:
    """Start a reflector on 127.0.0.1 (ephemeral port); yields it and its port; stops it after.

    ``service`` is a reflector already configured (with handlers installed); otherwise one is made
    from ``options``. Exceptions the event loop catches are appended to ``loop_errors`` when given.
    """
    if service is None:
        service = Reflector(ReflectorConfig(binds=["127.0.0.1"], port=0, **options))  # type: ignore[arg-type]
    ((_, port),) = service.open()
    loop = asyncio.new_event_loop()
    if loop_errors is not None:
        loop.set_exception_handler(lambda _loop, context: loop_errors.append(context))

    async def _serve() -> None:
        with suppress(asyncio.CancelledError):
            await service.serve()

    task = loop.create_task(_serve())
    thread = threading.Thread(target=loop.run_until_complete, args=(task,), daemon=True)
    thread.start()
    try:
        yield service, port
    finally:
        loop.call_soon_threadsafe(task.cancel)
        thread.join(timeout=5)
        loop.close()
