#!/usr/bin/env bash
# deps.sh - installs the Debian packages allhands needs to build, run and test,
# and only those it lacks: dpkg -s first, so a second run costs no network and
# no time. usage: scripts/deps.sh [run|test|bench]   (BACKEND=pg ... bench: also postgresql, haproxy)
set -euo pipefail
want=(build-essential pkg-config meson ninja-build libmicrohttpd-dev libjansson-dev
      libsqlite3-dev libsodium-dev libpq-dev libical-dev libcurl4-openssl-dev tzdata
      libpcre2-dev libcmark-dev libutf8proc-dev libgmime-3.0-dev libxml2-dev libstemmer-dev)
case "${1:-run}" in
test)  want+=(postgresql haproxy libcmocka-dev python3 python3-pytest python3-yaml chromium fonts-liberation
              fonts-dejavu-core clang
              libclang-rt-14-dev curl python3-aiosmtpd dovecot-imapd openssl) ;;
bench) want+=(wrk curl python3 python3-aiosmtpd)
       # BACKEND=pg bench: a throwaway cluster, and HAProxy in front of two servers
       [ "${BACKEND:-sqlite}" != pg ] || want+=(postgresql haproxy) ;;
esac
missing=()
for p in "${want[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${1:-run}" = test ] && ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}" >&2
    SUDO=
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q >&2
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
