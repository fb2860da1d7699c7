#!/usr/bin/env bash
# install_deps.sh: installs the Debian packages flowchunk builds, tests and runs with.
# Idempotent: asks apt only for what is missing. Works as root, or through sudo otherwise.
#   jobs/install_deps.sh            build + run + test dependencies (Slurm included; clang-14 and
#                                   its sanitizer/libFuzzer runtimes for tests/sanitize.cmake)
#   jobs/install_deps.sh --reference  also the Python reference stack (numpy, torch, h5py,
#                                     shapely, zarr) used only to regenerate test fixtures
set -euo pipefail

PKGS=(build-essential cmake pkg-config
      openmpi-bin libopenmpi-dev libpmix-dev
      libopenblas-dev libdnnl-dev
      libhdf5-openmpi-dev hdf5-tools
      libchipmunk-dev
      libblosc-dev libcjson-dev libgd-dev
      chromium fonts-dejavu-core   # headless browser of the report test (tests/report.cmake)
      clang-14 libclang-rt-14-dev   # ASan/UBSan/libFuzzer of the sanitizer and fuzz tests (tests/sanitize.cmake)
      munge slurm-wlm slurm-wlm-basic-plugins slurmctld slurmd slurm-client
      openssh-server openssh-client iproute2 util-linux)
REF_PKGS=(python3-numpy python3-torch python3-h5py python3-shapely python3-zarr python3-numcodecs)

[[ ${1:-} == --reference ]] && PKGS+=("${REF_PKGS[@]}")

SUDO=
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install_deps: not root and no sudo; install: ${PKGS[*]}" >&2; exit 1; }
    SUDO=sudo
fi

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then echo "install_deps: all ${#PKGS[@]} packages present" >&2; exit 0; fi

echo "install_deps: installing ${#missing[@]} packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# no systemd here: keep postinst scripts from trying to start munge/slurmd/slurmctld
made_policy=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d; made_policy=1
fi
ok=1
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq &&
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || ok=0
(( made_policy )) && $SUDO rm -f /usr/sbin/policy-rc.d
(( ok )) || { echo "install_deps: apt-get failed" >&2; exit 1; }
echo "install_deps: done" >&2
