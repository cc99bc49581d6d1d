#!/usr/bin/env bash
# Install Debian's Chromium if it is missing. The browser tests drive it through
# Playwright (executable_path=/usr/bin/chromium); Playwright's own browser
# download is never used (`playwright install` cannot reach its servers).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
[ -x /usr/bin/chromium ] || {
  echo "chromium was installed but /usr/bin/chromium is missing" >&2
  exit 1
}
