#!/usr/bin/env bash
# deps.sh - install what building and testing newsflow needs, from Debian/Ubuntu packages,
# only where something is missing. Sourced by demo.sh and test.sh; needs root (or sudo) only
# when it has to install.
#   nf_deps build   compiler, cmake, pkg-config and the C libraries
#   nf_deps test    the same plus cmocka, valgrind and clang (sanitizer runtime)
set -euo pipefail

NF_BUILD_PKGS=(build-essential cmake pkg-config librdkafka-dev libjansson-dev libpcre2-dev
               libxml2-dev zlib1g-dev libmicrohttpd-dev libcjson-dev libcmocka-dev)
NF_TEST_PKGS=(python3 time yamllint yq clang libclang-rt-14-dev)

nf_missing_pkgs() {
    local p missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    echo "${missing[@]:-}"
}

nf_apt_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo="sudo"
            echo "newsflow: installing packages needs root; using sudo: $*" >&2
        else
            echo "newsflow: missing packages: $*; run as root or install them yourself" >&2
            return 1
        fi
    fi
    echo "newsflow: installing $*" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

nf_deps() {
    local want=("${NF_BUILD_PKGS[@]}")
    [ "${1:-build}" = test ] && want+=("${NF_TEST_PKGS[@]}")
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "newsflow: not a Debian-like system; install the equivalents of: ${want[*]}" >&2
        return 0
    fi
    local missing
    missing=$(nf_missing_pkgs "${want[@]}")
    if [ -n "$missing" ]; then
        # shellcheck disable=SC2086 # word splitting is wanted: a list of package names
        nf_apt_install $missing
    fi
}

# Configure and build into $1 (extra cmake arguments follow).
nf_build() {
    local dir=$1
    shift
    cmake -S "$NF_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc)"
}
