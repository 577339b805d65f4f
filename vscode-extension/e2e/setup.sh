#!/usr/bin/env bash
# Installs what the real-editor E2E test needs and is not in package-lock.json: code-server (a real
# VS Code served to a browser), pinned, into a cache folder keyed by its version. Idempotent: when
# the cache is complete this only checks the system tools and returns at once.
#
# TOX_SERVER_E2E_CACHE   cache root (default ~/.cache/tox-server-e2e)
# Prints the code-server executable's path on its last line of stdout.
set -euo pipefail

version=4.100.3 # the newest code-server that installs on Node 20 (later ones need Node 22+)
cache=${TOX_SERVER_E2E_CACHE:-$HOME/.cache/tox-server-e2e}
dir=$cache/code-server-$version
bin=$dir/node_modules/.bin/code-server

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need "${CHROMIUM:-chromium}" chromium
need node nodejs
need npm npm

if [ -f "$dir/.complete" ] && [ -x "$bin" ]; then
  if ((${#missing[@]})); then
    echo "setup.sh: missing tools; install them: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "$bin"
  exit 0
fi

# Only a cold install compiles native modules (node-pty, kerberos) and needs rg for the trick below.
need rg ripgrep
need cc build-essential
need c++ build-essential
need make build-essential
need python3 python3
[ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/krb5.h ] || missing+=(libkrb5-dev)
[ -f /usr/include/node/node.h ] || missing+=(nodejs) # headers for node-gyp: nothing is downloaded
if ((${#missing[@]})); then
  echo "setup.sh: missing Debian packages; install them: apt-get install -y $(printf "%s\n" "${missing[@]}" | sort -u | xargs)" >&2
  exit 1
fi

echo "setup.sh: installing code-server@$version into $dir (about a minute, once)" >&2
mkdir -p "$cache"
work=$(mktemp -d "$cache/.install-XXXXXX")
trap 'rm -rf "$work"' EXIT

# @vscode/ripgrep downloads rg from GitHub (unreachable here) unless this tarball is in its cache
# in $TMPDIR: Debian's rg, packed the way it expects, stands in.
mkdir -p "$work/tmp/vscode-ripgrep-cache-1.15.11" "$work/rg"
cp "$(command -v rg)" "$work/rg/rg"
tar -czf "$work/tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$work/rg" rg

mkdir -p "$work/install"
# Root needs unsafe-perm (code-server's postinstall refuses root otherwise); node-pty's postinstall
# runs `npx node-gyp`, which must not stop to ask; Node's headers come from /usr.
(cd "$work/install" &&
  TMPDIR=$work/tmp npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr \
    npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$version" >&2)
[ -x "$work/install/node_modules/.bin/code-server" ] || {
  echo "setup.sh: npm install finished but $work/install/node_modules/.bin/code-server is missing" >&2
  exit 1
}
touch "$work/install/.complete"
rm -rf "$dir"
mv "$work/install" "$dir"
echo "$bin"
