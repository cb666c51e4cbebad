#!/usr/bin/env bash
# Installs everything the workspace needs on a machine that has only Node 20 and npm:
# pnpm 12.4.2, then the locked dependencies (native addons compile from source when no prebuilt
# binary can be downloaded), then Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "12.4.2" ]; then
  npm install -g pnpm@12.4.2
fi

# Debian's Node keeps its headers in the system include directory; tell node-gyp so it does not
# try to download them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

pnpm install --frozen-lockfile

# The dashboard's browser tests drive Debian's Chromium (test tools cannot download their own browser
# here). Installed only when missing, as root or with password-less sudo; otherwise say what to do.
if ! command -v chromium >/dev/null 2>&1; then
  as_root=none
  if [ "$(id -u)" = 0 ]; then
    as_root=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=sudo
  fi
  if [ "$as_root" = none ]; then
    echo "note: Chromium is not installed; the dashboard's browser tests need it (apt-get install chromium, or set CHROMIUM_PATH)" >&2
  else
    $as_root apt-get update -q && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
  fi
fi
