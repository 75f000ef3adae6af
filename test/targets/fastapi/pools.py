"""Pathology: thread-pool starvation (seed 002).

Four ways to wait `ms` milliseconds (default 200):
  /sync        `def` endpoint + time.sleep      -> anyio threadpool, 40 tokens by default
  /async       `async def` + await asyncio.sleep -> no pool, unbounded
  /executor    await loop.run_in_executor(EXECUTOR, time.sleep, s)
               EXECUTOR=None -> asyncio's default ThreadPoolExecutor, min(32, cpu+4) threads
  /threadpool  await starlette.concurrency.run_in_threadpool(time.sleep, s) -> anyio pool again
With `ab -c N` and N above the pool size M, throughput is M/S instead of N/S.

Run:
    cd test/targets/fastapi
    /usr/bin/python3 -m uvicorn pools:app --host 127.0.0.1 --port 8002
    ab -n 200 -c 50 'http://127.0.0.1:8002/executor?ms=200'

Env (read at startup):
  ANYIO_TOKENS      if set, anyio's default thread limiter gets this many tokens (affects /sync, /threadpool)
  EXECUTOR_WORKERS  if set, /executor uses ThreadPoolExecutor(max_workers=EXECUTOR_WORKERS) instead of None
  SLOWDOWN          if set, /sync sleeps this many times longer (1.5 = a 50% slower build, for baseline gating)
GET /info shows the effective values.
"""
import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

DEFAULT_MS = 200
ANYIO_TOKENS = os.environ.get("ANYIO_TOKENS")
EXECUTOR_WORKERS = os.environ.get("EXECUTOR_WORKERS")
EXECUTOR = ThreadPoolExecutor(max_workers=int(EXECUTOR_WORKERS)) if EXECUTOR_WORKERS else None
SLOWDOWN = float(os.environ.get("SLOWDOWN") or 1)

app = FastAPI(title="wobbly reference: pool starvation (seed 002)")


@app.on_event("startup")
async def configure_thread_limiter() -> None:
    # The limiter is per event loop, so this must run inside the server's loop.
    if ANYIO_TOKENS:
        anyio.to_thread.current_default_thread_limiter().total_tokens = int(ANYIO_TOKENS)


@app.on_event("shutdown")
def shutdown_executor() -> None:
    if EXECUTOR is not None:
        EXECUTOR.shutdown(wait=False)


def default_executor_workers() -> int:
    # What asyncio's default executor uses (ThreadPoolExecutor(max_workers=None)).
    return min(32, (os.cpu_count() or 1) + 4)


@app.get("/health", response_class=PlainTextResponse)
async def health() -> str:
    return "ok"


@app.get("/info")
async def info():
    return {
        "pid": os.getpid(),
        "anyioTokens": anyio.to_thread.current_default_thread_limiter().total_tokens,
        "executorWorkers": EXECUTOR._max_workers if EXECUTOR is not None else default_executor_workers(),
        "cpuCount": os.cpu_count(),
    }


@app.get("/sync")
def sync_sleep(ms: float = DEFAULT_MS):
    time.sleep(ms / 1000 * SLOWDOWN)
    return {"slept_ms": ms}


@app.get("/async")
async def async_sleep(ms: float = DEFAULT_MS):
    await asyncio.sleep(ms / 1000)
    return {"slept_ms": ms}


@app.get("/executor")
async def executor_sleep(ms: float = DEFAULT_MS):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(EXECUTOR, time.sleep, ms / 1000)
    return {"slept_ms": ms}


@app.get("/threadpool")
async def threadpool_sleep(ms: float = DEFAULT_MS):
    await run_in_threadpool(time.sleep, ms / 1000)
    return {"slept_ms": ms}
