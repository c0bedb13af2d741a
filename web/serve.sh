#!/usr/bin/env bash
# Builds the playground (web/build.sh) and serves web/dist on http://127.0.0.1:${PORT:-8000}/.
# usage: web/serve.sh [--no-build]
set -euo pipefail
WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "${1:-}" != "--no-build" ]; then
    "$WEB/build.sh"
fi
port="${PORT:-8000}"
echo "serving $WEB/dist on http://127.0.0.1:$port/ (Ctrl-C stops)"
exec python3 -m http.server --bind 127.0.0.1 --directory "$WEB/dist" "$port"
