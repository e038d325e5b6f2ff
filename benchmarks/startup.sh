#!/usr/bin/env bash
# Time to the first dispatched event, JIT and native AOT, EventDriven and Mediator 3.0.2 (benchmarks/Startup/*).
# Each app is published twice (framework-dependent JIT; native AOT, PublishAot through -p:StartupAot=true: see the csproj), then run RUNS times (after one unmeasured run);
# each run prints when its handler ran, and this script subtracts when it started the process (bash's $EPOCHREALTIME, taken
# just before the fork). Prints the median, min and max per app and mode, in milliseconds.
#   benchmarks/startup.sh [RUNS]      (default 21)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-21}
out=artifacts/startup
rid=linux-x64

publish() { # app mode
  local app=$1 mode=$2 aot=false
  [[ $mode == aot ]] && aot=true
  dotnet publish "benchmarks/Startup/$app" -c Release -r "$rid" -p:StartupAot=$aot --self-contained $aot \
    -o "$out/$app-$mode" -nologo -v quiet >"$out/$app-$mode.publish.log" 2>&1 || { cat "$out/$app-$mode.publish.log"; exit 1; }
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() { # app mode
  local exe="$out/$1-$2/$1" samples=() start handled
  "$exe" >/dev/null # unmeasured: page cache
  for ((i = 0; i < runs; i++)); do
    start=${EPOCHREALTIME/[.,]/}
    handled=$("$exe")
    samples+=($((handled - start)))
  done
  local sorted; sorted=$(printf '%s\n' "${samples[@]}" | sort -n)
  printf '| %-19s | %-4s | %11.1f | %8.1f | %8.1f | %4d MB |\n' "$1" "$2" \
    "$(median <<<"$sorted" | awk '{ print $1 / 1000 }')" "$(head -1 <<<"$sorted" | awk '{ print $1 / 1000 }')" \
    "$(tail -1 <<<"$sorted" | awk '{ print $1 / 1000 }')" "$(du -sm "$out/$1-$2" | cut -f1)"
}

mkdir -p "$out"
for app in EventDriven.Startup Mediator.Startup; do
  for mode in jit aot; do
    publish "$app" "$mode"
  done
done

echo "Time from process start to the first event handled, $runs runs each (ms); size = published folder"
echo
echo "| App                 | Mode | Median (ms) | Min (ms) | Max (ms) | Size    |"
echo "|---------------------|------|------------:|---------:|---------:|--------:|"
for app in EventDriven.Startup Mediator.Startup; do
  for mode in jit aot; do
    measure "$app" "$mode"
  done
done
