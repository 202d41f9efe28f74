#!/usr/bin/env bash
# Offline kit (Linux/macOS counterpart of offline-install.ps1): installs from a wheelhouse with no index.
#   packaging/offline-install.sh WHEELHOUSE LOCKFILE   (defaults: ./wheelhouse, packaging/requirements-win.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
wheelhouse="${1:-wheelhouse}"
lock="${2:-packaging/requirements-win.txt}"
"${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --no-index --find-links "$wheelhouse" --require-hashes -r "$lock"
.venv/bin/python main.py calc resources/demo/demo-park.json >/dev/null
echo "已安装。启动：.venv/bin/python main.py"
