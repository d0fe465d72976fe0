#!/bin/bash
# Install the Debian packages ocirt needs, skipping those already present.
#
# Usage: contrib/install-deps.sh GROUP... [-- EXTRA-PACKAGE...]
#   groups: build  compiler, autotools and libraries
#           test   unit, fuzz and integration test tools
#           e2e    container engines for the end-to-end tests
# Packages named after "--" are added as they are.
# Runs "apt-get update" once, and only when something is missing.

set -euo pipefail

BUILD_PKGS=(autoconf automake libtool pkg-config gcc make libyajl-dev
  libseccomp-dev libcap-dev libselinux1-dev libcmocka-dev)
TEST_PKGS=(bats bats-support bats-assert busybox-static clang
  libclang-rt-14-dev python3-jsonschema
  golang-github-opencontainers-specs-dev runc crun jq qemu-system-x86)
E2E_PKGS=(podman conmon containerd slirp4netns catatonit python3-grpcio)

usage ()
{
  echo "usage: $0 {build|test|e2e}... [-- PACKAGE...]" >&2
  exit 2
}

is_installed ()
{
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [[ $status == "install ok installed" ]]
}

wanted=()
while (($#)); do
  case $1 in
  build) wanted+=("${BUILD_PKGS[@]}") ;;
  test) wanted+=("${TEST_PKGS[@]}") ;;
  e2e) wanted+=("${E2E_PKGS[@]}") ;;
  --)
    shift
    wanted+=("$@")
    break
    ;;
  *) usage ;;
  esac
  shift
done
((${#wanted[@]})) || usage

missing=()
for pkg in "${wanted[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
((${#missing[@]})) || exit 0

if [[ $(id -u) != 0 ]]; then
  echo "$0: missing packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
