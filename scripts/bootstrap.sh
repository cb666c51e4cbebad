#!/usr/bin/env bash
# Installs everything the workspace needs on a machine that has only Node 20 and npm:
# pnpm 12.4.2, then the locked dependencies (native addons compile from source when no prebuilt
# binary can be downloaded).
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
