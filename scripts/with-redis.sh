#!/usr/bin/env bash
# Run a command with a throwaway Redis server on 127.0.0.1 as the Django cache, then stop it.
# Usage: scripts/with-redis.sh COMMAND [ARGS...]
set -euo pipefail
port=${REDISTEST_PORT:-63799}
dir=$(mktemp -d /tmp/liptwitch-redis.XXXXXX)
cleanup() {
  if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/log" >/dev/null
for _ in $(seq 50); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$port"
CACHE_BACKEND=django.core.cache.backends.redis.RedisCache \
  CACHE_LOCATION="redis://127.0.0.1:$port/1" REQUIRE_SHARED_CACHE=1 "$@"
