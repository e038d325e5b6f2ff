#!/usr/bin/env bash
# The outbox relay's rate against RabbitMQ.Client's own (benchmarks/EventDriven.Benchmarks --rabbitmq-throughput), on a throwaway
# RabbitMQ node: its own node name, data folder under /tmp and ports on 127.0.0.1, stopped (by its PID) and deleted afterwards. Never
# the system service. Usage: benchmarks/rabbitmq-throughput.sh [messages, default 100000]. Needs Debian's rabbitmq-server package
# (./test.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/eventdriven-rmq-bench-XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
dist=$(free_port)
node="edbench$$@localhost"
mkdir -p "$dir/mnesia" "$dir/log"
echo '[].' >"$dir/enabled_plugins"
as_server=(env)
if ((EUID == 0)); then chown -R rabbitmq "$dir"; as_server=(runuser -u rabbitmq -- env); fi
vars=(HOME="$dir" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT="$dist"
  RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/pid" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  RABBITMQ_CONFIG_FILE="$dir/rabbitmq")
"${as_server[@]}" "${vars[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server >"$dir/out" 2>&1 &
server=$!
stop() {
  "${as_server[@]}" HOME="$dir" /usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" stop >/dev/null 2>&1 || true
  wait "$server" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop EXIT
for _ in $(seq 1 240); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.25; done
dotnet run -c Release --project benchmarks/EventDriven.Benchmarks -- --rabbitmq-throughput "amqp://guest:guest@127.0.0.1:$port/" "${1:-100000}"
