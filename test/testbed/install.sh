#!/usr/bin/env bash
# Installs what the integration testbed needs and is missing (Debian/apt), then checks the Python that has moto.
# Idempotent and quick when everything is present. See test/testbed/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
need() { # need <command or file test> <package>
  if ! eval "$1" >/dev/null 2>&1; then
    [[ " ${missing[*]-} " == *" $2 "* ]] || missing+=("$2")
  fi
}
need 'command -v dockerd' docker.io
need 'command -v docker' docker.io
need 'command -v docker-registry' docker-registry
need 'dpkg -s busybox-static' busybox-static # a static /bin/busybox to COPY into FROM-scratch images
need 'command -v openssl' openssl

if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "testbed: missing ${missing[*]}; as root run: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "testbed: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# moto and cfn-lint cannot come from apt: they must already be in some Python (the pyenv one on this kind of machine).
if ! python=$(node test/testbed/testbed.mjs check); then
  echo "testbed: no Python with moto 5.2.1 and cfn-lint (details above)" >&2
  exit 1
fi
echo "testbed: ready (moto in ${python})" >&2
