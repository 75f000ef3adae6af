"""A service with one endpoint per behaviour, for `wobbly doctor` (issue 15).

Each slow endpoint takes MS milliseconds (default 200) in its own way:
  GET  /health          async, instant                      -> the cheapest: the doctor's probe
  GET  /blocking        async def + time.sleep              -> blocks the event loop, serialized
  GET  /cpu             async def + a CPU loop              -> blocks the event loop, serialized
  GET  /limited         def + time.sleep, anyio tokens = 4  -> a pool of 4
  GET  /executor        run_in_executor(None, time.sleep)   -> asyncio's default executor, min(32, cpu+4)
  GET  /healthy         await asyncio.sleep                 -> no pool, no stall
  GET  /items/{item_id} required path parameter with an example (42): instant
  GET  /search?q=       required query parameter without example or default: must not be called
  POST /orders          must never be called by the doctor
  GET  /stream          SSE, 5 events 100 ms apart, from an async generator
  GET  /calls           how many requests each "METHOD /path" received (counted before routing)

Run:
    cd test/targets/fastapi
    /usr/bin/python3 -m uvicorn doctor_app:app --host 127.0.0.1 --port 8015
    wobbly doctor http://127.0.0.1:8015
"""
import asyncio
import os
import time
from collections import Counter

import anyio.to_thread
from fastapi import FastAPI, Path, Query
from fastapi.responses import StreamingResponse

MS = int(os.environ.get("MS", "200"))
TOKENS = 4
CALLS: Counter = Counter()


class CountCalls:
    """Pure ASGI middleware: counts every request that reaches the app, routed or not."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            CALLS[f'{scope["method"]} {scope["path"]}'] += 1
        await self.app(scope, receive, send)


class EventStream(StreamingResponse):
    media_type = "text/event-stream"


app = FastAPI(title="wobbly doctor test app", version="1.0")
app.add_middleware(CountCalls)


@app.on_event("startup")
async def small_thread_limiter() -> None:
    # anyio's limiter is per event loop: set it inside the server's loop. Only /limited is `def`.
    anyio.to_thread.current_default_thread_limiter().total_tokens = TOKENS


@app.get("/health")
async def health() -> dict:
    return {"ok": True}


@app.get("/calls")
async def calls() -> dict:
    return dict(CALLS)


@app.get("/blocking")
async def blocking() -> dict:
    time.sleep(MS / 1000)  # the bug: a blocking call on the event loop
    return {"slept_ms": MS}


@app.get("/cpu")
async def cpu() -> dict:
    end = time.perf_counter() + MS / 1000
    n = 0
    while time.perf_counter() < end:  # CPU work on the event loop
        n += sum(i * i for i in range(1000))
    return {"n": n}


@app.get("/limited")
def limited() -> dict:
    time.sleep(MS / 1000)
    return {"tokens": TOKENS}


@app.get("/executor")
async def executor() -> dict:
    await asyncio.get_running_loop().run_in_executor(None, time.sleep, MS / 1000)
    return {"workers": min(32, (os.cpu_count() or 1) + 4)}


@app.get("/healthy")
async def healthy() -> dict:
    await asyncio.sleep(MS / 1000)
    return {"slept_ms": MS}


@app.get("/items/{item_id}")
async def item(item_id: int = Path(..., example=42)) -> dict:
    return {"id": item_id}


@app.get("/search")
async def search(q: str = Query(...)) -> dict:
    return {"q": q}


@app.post("/orders")
async def create_order() -> dict:
    return {"created": True}


@app.get("/stream", response_class=EventStream)
async def stream() -> EventStream:
    async def events():
        for i in range(5):
            yield f"data: {i}\n\n"
            await asyncio.sleep(0.1)

    return EventStream(events())
