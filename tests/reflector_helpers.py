"""A reflector running in a background thread on loopback, for tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from assess.reflector.server import Reflector, ReflectorConfig


@contextmanager
def running_reflector(**options: object) -> Iterator[tuple[Reflector, int]]:
    """Start a reflector on 127.0.0.1 (ephemeral port); yields it and its port; stops it after."""
    service = Reflector(ReflectorConfig(binds=["127.0.0.1"], port=0, **options))  # type: ignore[arg-type]
    ((_, port),) = service.open()
    loop = asyncio.new_event_loop()

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
