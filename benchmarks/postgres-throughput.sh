#!/usr/bin/env bash
# The PostgreSQL store's throughput against the server's own ceiling (benchmarks/EventDriven.Benchmarks --postgres-throughput), on a
# throwaway server: initdb into a temp folder, a free port on 127.0.0.1, stopped and deleted afterwards. Never the system service.
# Usage: benchmarks/postgres-throughput.sh [events, default 600000]. Needs Debian's postgresql package (./test.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/eventdriven-pg-bench-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_server=()
if ((EUID == 0)); then chown postgres "$dir"; as_server=(runuser -u postgres --); fi
"${as_server[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
"${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" -l "$dir/log" -w start >/dev/null
trap '"${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; rm -rf "$dir"' EXIT
dotnet run -c Release --project benchmarks/EventDriven.Benchmarks -- --postgres-throughput "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Timeout=10" "${1:-600000}"
