"""Pathology: event-loop stall from serialising a big `response_model` (seed 001).

`/clients` is a plain `def` endpoint, so building the models runs in the
threadpool, but FastAPI 0.92 then runs `_prepare_response_content` (model ->
dict), `jsonable_encoder` and `json.dumps` on the event-loop thread. While that
happens nothing else is answered: `/.well-known/live` and `/health` stall for
seconds. `/clients-fixed` is seed 001's fix: serialise with `.json()` inside the
`def` endpoint (threadpool) and return a raw `Response`, which FastAPI passes
through untouched; the stall gets much shorter (the GIL is still shared).

Run (system interpreter, Debian's python3-fastapi / python3-uvicorn):
    cd test/targets/fastapi
    CLIENTS_N=40000 /usr/bin/python3 -m uvicorn large_response:app --host 127.0.0.1 --port 8001
Then probe `/.well-known/live` while `curl -s -o /dev/null 127.0.0.1:8001/clients` runs.

Env:   CLIENTS_N  number of Client items in /clients and /clients-fixed (default 40000)
Query: ?n=        per-request override of CLIENTS_N
"""
import os
from typing import List, Optional

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel

CLIENTS_N = int(os.environ.get("CLIENTS_N", "40000"))


class Address(BaseModel):
    id: int
    str1: str = None
    str2: str = None
    str3: str = None
    str4: str = None
    str5: str = None
    str6: str = None
    str7: str = None
    str8: str = None


class Account(BaseModel):
    id: int
    address: Address = None
    str1: str = None
    str2: str = None
    str3: str = None
    str4: str = None
    str5: str = None
    str6: str = None
    str7: str = None
    str8: str = None
    str9: str = None
    str10: str = None
    str12: str = None
    str13: str = None
    str14: str = None
    str15: str = None
    str16: str = None


class Client(BaseModel):
    id: int
    address: Address = None
    bank_accounts: List[Account]
    str1: str = None
    str2: str = None
    str3: str = None
    str4: str = None
    str5: str = None
    str6: str = None
    str7: str = None
    str8: str = None


class ClientsResponse(BaseModel):
    items: List[Client]


def build_clients(n: int) -> ClientsResponse:
    return ClientsResponse(
        items=[
            Client(id=i, address=Address(id=i), bank_accounts=[Account(id=i)])
            for i in range(n)
        ]
    )


app = FastAPI(title="wobbly reference: large response_model (seed 001)")


@app.get("/health", response_class=PlainTextResponse)
async def health() -> str:
    return "ok"


@app.get("/.well-known/live")
def live():
    return "OK"


@app.get("/clients", response_model=ClientsResponse)
def clients(n: Optional[int] = None):
    # Built in the threadpool (def endpoint); validated again in the threadpool;
    # but dict conversion + jsonable_encoder + json.dumps run on the event loop.
    return build_clients(CLIENTS_N if n is None else n)


@app.get("/clients-fixed")
def clients_fixed(n: Optional[int] = None):
    # Seed 001's fix: serialise here (in the threadpool) and hand FastAPI a raw Response.
    return Response(
        content=build_clients(CLIENTS_N if n is None else n).json(),
        media_type="application/json",
    )
