"""An asyncio TCP server on 127.0.0.1 in a thread of its own: the replay emulator and the
latency proxy are each one handler on it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class LoopServer:
    handle: Handler
    name: str
    port: int = 0
    limit: int = 2**22  # the longest line (an HTTP header) a handler may read
    backlog: int = 1024
    loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None

    def start(self) -> int:
        """Listen; return the port (a free one when `port` is 0)."""
        ready = threading.Event()

        def run() -> None:
            self.loop = asyncio.new_event_loop()
            server = self.loop.run_until_complete(asyncio.start_server(
                self.handle, "127.0.0.1", self.port, limit=self.limit, backlog=self.backlog))
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()
            # Stopped: close the listener and every open connection before the loop goes.
            server.close()

            async def drain() -> None:
                pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)

            self.loop.run_until_complete(drain())
            self.loop.close()

        self._thread = threading.Thread(target=run, daemon=True, name=self.name)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"{self.name} did not start")
        return self.port

    def stop(self) -> None:
        if self.loop and self._thread:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
