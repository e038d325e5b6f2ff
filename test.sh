#!/usr/bin/env bash
# Every test: installs the servers the tests start throwaway instances of (Debian's postgresql and rabbitmq-server, when missing), then runs
# `dotnet test EventDriven.sln` with any arguments given here. The tests start and stop their own servers on 127.0.0.1; they never
# use or touch a system service. Needs the .NET 10 SDK and, for the install, root or sudo.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || missing+=(postgresql)
[[ -x /usr/sbin/rabbitmq-server ]] || missing+=(rabbitmq-server)

if ((${#missing[@]} > 0)); then
  echo "== installing ${missing[*]} (Debian packages; the tests start their own throwaway instances)"
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  # A policy-rc.d that refuses keeps the packages from starting their system services (the tests never use them); one already
  # there is left as it is.
  own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo[@]}" chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
  ((own_policy == 0)) || "${sudo[@]}" rm -f /usr/sbin/policy-rc.d
fi

exec dotnet test EventDriven.sln "$@"
