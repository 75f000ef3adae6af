"""Pathology: thread hopping in streamed responses (seed 000).

A *sync* generator given to StreamingResponse (or sse_starlette's EventSourceResponse)
is driven by starlette's iterate_in_threadpool: every next() is a separate
anyio.to_thread.run_sync call, so consecutive events of one stream may run on
different pool threads and thread-locals break. An *async* generator runs on the
event-loop thread: one thread id per stream.

  /stream/sync   sync generator, time.sleep(gap) between events
  /stream/async  async generator, await asyncio.sleep(gap) between events
Each event is `data: thread: <threading.get_ident()> num: <i>` (SSE framing, text/event-stream).
Query: ?n= number of events (default 10), ?gap_ms= gap before each event (default 100).
(sse_starlette is not packaged in Debian, so SSE framing is done by hand.)

Run:
    cd test/targets/fastapi
    /usr/bin/python3 -m uvicorn streams:app --host 127.0.0.1 --port 8004
    for i in $(seq 8); do curl -sN 'http://127.0.0.1:8004/stream/sync' > /tmp/s$i & done; wait
"""
import asyncio
import threading
import time

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, StreamingResponse

DEFAULT_N = 10
DEFAULT_GAP_MS = 100
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}

app = FastAPI(title="wobbly reference: thread hopping in streams (seed 000)")


def sse(data: str) -> str:
    return f"data: {data}\n\n"


def sync_events(n: int, gap_s: float):
    for i in range(n):
        time.sleep(gap_s)
        yield sse(f"thread: {threading.get_ident()} num: {i}")


async def async_events(n: int, gap_s: float):
    for i in range(n):
        await asyncio.sleep(gap_s)
        yield sse(f"thread: {threading.get_ident()} num: {i}")


@app.get("/health", response_class=PlainTextResponse)
async def health() -> str:
    return "ok"


@app.get("/stream/sync")
def stream_sync(n: int = DEFAULT_N, gap_ms: float = DEFAULT_GAP_MS):
    headers = dict(SSE_HEADERS, **{"X-Handler-Thread": str(threading.get_ident())})
    return StreamingResponse(sync_events(n, gap_ms / 1000), media_type="text/event-stream", headers=headers)


@app.get("/stream/async")
async def stream_async(n: int = DEFAULT_N, gap_ms: float = DEFAULT_GAP_MS):
    headers = dict(SSE_HEADERS, **{"X-Handler-Thread": str(threading.get_ident())})
    return StreamingResponse(async_events(n, gap_ms / 1000), media_type="text/event-stream", headers=headers)
