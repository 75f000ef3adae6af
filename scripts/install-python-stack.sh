#!/usr/bin/env bash
# Installs the Python stack used by the FastAPI reference targets
# (test/targets/fastapi/): FastAPI, uvicorn and gunicorn from Debian packages.
#
# Idempotent: if /usr/bin/python3 can already import fastapi and uvicorn and
# gunicorn runs, it exits 0 without touching anything.
#
# Note: the apps need the *system* interpreter (/usr/bin/python3); a pyenv or
# venv python3 earlier on PATH will not see Debian's python3-* packages.
set -euo pipefail

PY=/usr/bin/python3
PACKAGES=(python3-fastapi python3-uvicorn gunicorn)

log() { printf 'install-python-stack: %s\n' "$*"; }
die() { printf 'install-python-stack: ERROR: %s\n' "$*" >&2; exit 1; }

have_gunicorn() {
  if command -v gunicorn >/dev/null 2>&1 && gunicorn --version >/dev/null 2>&1; then return 0; fi
  [ -x "$PY" ] && "$PY" -c 'import gunicorn' >/dev/null 2>&1
}

stack_ok() {
  [ -x "$PY" ] && "$PY" -c 'import fastapi, uvicorn' >/dev/null 2>&1 && have_gunicorn
}

versions() {
  "$PY" - <<'PYEOF' 2>/dev/null || true
from importlib.metadata import version
import sys
names = ["fastapi", "starlette", "anyio", "pydantic", "uvicorn", "gunicorn"]
parts = []
for n in names:
    try:
        parts.append(f"{n} {version(n)}")
    except Exception:
        parts.append(f"{n} (missing)")
print(f"python {sys.version.split()[0]}: " + ", ".join(parts))
PYEOF
}

if stack_ok; then
  log "already installed, nothing to do"
  log "$(versions)"
  exit 0
fi

log "fastapi/uvicorn/gunicorn not all available for $PY; installing ${PACKAGES[*]} with apt-get"

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script only supports Debian/Ubuntu. Install ${PACKAGES[*]} (or pip install fastapi uvicorn gunicorn) yourself."

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available; run as root: apt-get install -y ${PACKAGES[*]}"
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
log "running: ${SUDO[*]:+${SUDO[*]} }apt-get update"
${SUDO[@]+"${SUDO[@]}"} apt-get update || die "apt-get update failed"
log "running: ${SUDO[*]:+${SUDO[*]} }apt-get install -y --no-install-recommends ${PACKAGES[*]}"
${SUDO[@]+"${SUDO[@]}"} apt-get install -y --no-install-recommends "${PACKAGES[@]}" || die "apt-get install ${PACKAGES[*]} failed"

stack_ok || die "packages installed but '$PY -c \"import fastapi, uvicorn\"' or 'gunicorn --version' still fails"
log "installed"
log "$(versions)"
