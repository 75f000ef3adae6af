"""Pathology: a blocking call inside `async def` serialises the server (seed 003).

  /ping-blocking  `async def` + time.sleep -> runs on the event-loop thread; requests are
                  handled one at a time (ab -c 4 with 200 ms gives ~5 req/s, not 20)
  /ping-def       the same body in a plain `def` -> anyio threadpool, concurrent
  /ping-async     the fix for async code: await asyncio.sleep
Sleep length: ?ms= (default 200).

Run:
    cd test/targets/fastapi
    /usr/bin/python3 -m uvicorn blocking_async:app --host 127.0.0.1 --port 8003
    ab -n 40 -c 4 'http://127.0.0.1:8003/ping-blocking'
"""
import asyncio
import time

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

DEFAULT_MS = 200

app = FastAPI(title="wobbly reference: blocking call in async def (seed 003)")


@app.get("/health", response_class=PlainTextResponse)
async def health() -> str:
    return "ok"


@app.get("/ping-blocking")
async def ping_blocking(ms: float = DEFAULT_MS):
    time.sleep(ms / 1000)  # blocks the event loop: the bug
    return {"ping": "pong!"}


@app.get("/ping-def")
def ping_def(ms: float = DEFAULT_MS):
    time.sleep(ms / 1000)  # same body, but FastAPI runs a def endpoint in the threadpool
    return {"ping": "pong!"}


@app.get("/ping-async")
async def ping_async(ms: float = DEFAULT_MS):
    await asyncio.sleep(ms / 1000)
    return {"ping": "pong!"}
