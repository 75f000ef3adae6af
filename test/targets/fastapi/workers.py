"""Pathology: head-of-line blocking behind a slow request on the same worker (seed 004).

  /1  `async def` + time.sleep(?ms=, default 2000) -> blocks its worker's event loop,
      then returns [pid, thread id]
  /2  `async def` returning [pid, thread id] at once
With one worker, a /2 sent while /1 runs waits for /1 to finish. With two workers,
the blocked worker does not accept new connections, so /2 is answered at once by the
other pid (unless it reuses a keep-alive connection pinned to the busy worker).

Run:
    cd test/targets/fastapi
    /usr/bin/gunicorn -w 1 -k uvicorn.workers.UvicornWorker -b 127.0.0.1:8005 workers:app
    /usr/bin/gunicorn -w 2 -k uvicorn.workers.UvicornWorker -b 127.0.0.1:8005 workers:app
    curl -s 127.0.0.1:8005/1 & sleep 0.5; time curl -s 127.0.0.1:8005/2
(or /usr/bin/python3 -m uvicorn workers:app --host 127.0.0.1 --port 8005 --workers 2)
"""
import os
import threading
import time

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

DEFAULT_MS = 2000

app = FastAPI(title="wobbly reference: head-of-line blocking across workers (seed 004)")


@app.get("/health", response_class=PlainTextResponse)
async def health() -> str:
    return "ok"


@app.get("/1")
async def one(ms: float = DEFAULT_MS):
    time.sleep(ms / 1000)  # blocks this worker's event loop
    return os.getpid(), threading.get_ident()


@app.get("/2")
async def two():
    return os.getpid(), threading.get_ident()
