#!/usr/bin/env bash
# Create .venv and install the project into it (with `dev`: the test tools too).
# Re-running is cheap: nothing is reinstalled while pyproject.toml is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

extra="${1:-}"
python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Python 3.11 or newer is required (found: $("$python" --version 2>&1))" >&2
  exit 1
}

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
target="."
[ -n "$extra" ] && target=".[$extra]"
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${extra:-base}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target"
  touch "$stamp"
fi

# Front-end files from the npm registry (package-lock.json): the fonts the app
# serves itself (copied into app/static/fonts) and, for the tests, axe-core.
if command -v npm >/dev/null; then
  lock="$(sha256sum package-lock.json | cut -c1-16)"
  npm_stamp="node_modules/.installed-$lock-${extra:-base}"
  # The dev install holds the base one: serving after the tests keeps axe-core.
  if [ ! -f "$npm_stamp" ] && [ ! -f "node_modules/.installed-$lock-dev" ]; then
    omit=""
    [ -z "$extra" ] && omit="--omit=dev"
    npm ci --no-audit --no-fund --loglevel=error $omit
    touch "$npm_stamp"
  fi
  mkdir -p app/static/fonts
  cp node_modules/@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-{400,700}-normal.woff2 \
     node_modules/@fontsource/noto-sans/files/noto-sans-latin{,-ext}-{400,700}-normal.woff2 \
     app/static/fonts/
  # The icons the pages use (app/static/icons.txt), from Lucide.
  mkdir -p app/static/icons
  grep -v -e '^#' -e '^[[:space:]]*$' app/static/icons.txt | while read -r icon; do
    cp "node_modules/lucide-static/icons/$icon.svg" app/static/icons/
  done
  # The map's shapes (Natural Earth, world-atlas): projected and simplified
  # into app/data/map/arab-states.json, again only when their sources changed.
  map=app/data/map/arab-states.json
  if [ ! "$map" -nt scripts/prepare_map.py ] \
     || [ ! "$map" -nt node_modules/world-atlas/countries-50m.json ]; then
    .venv/bin/python scripts/prepare_map.py
  fi
else
  echo "npm not found: pages will use the system's fonts (install nodejs and npm)" >&2
fi
