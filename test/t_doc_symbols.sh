#!/bin/bash
# Every exported function has a comment in its public header.
set -eu
cd "$ROOT"
python3 tools/check-doc-symbols.py "${B:-build}/libomacp.a"
