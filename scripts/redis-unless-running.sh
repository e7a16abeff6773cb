#!/usr/bin/env bash
# For `make run` (Procfile): start redis-server on 127.0.0.1:6379 unless one
# answers there already. Either way it stays in the foreground until honcho
# stops it, so stopping `make run` stops the server it started, and only that.
set -euo pipefail
if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Redis 已在 127.0.0.1:6379 运行，沿用它。"
  trap 'exit 0' TERM INT
  while true; do sleep 3600 & wait $!; done
fi
exec redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no
