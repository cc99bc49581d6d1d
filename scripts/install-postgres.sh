#!/usr/bin/env bash
# Install Debian's PostgreSQL server if it is missing. The tests start their own
# throwaway cluster from these binaries; no system service is used.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || {
  echo "postgresql was installed but no initdb was found" >&2
  exit 1
}
