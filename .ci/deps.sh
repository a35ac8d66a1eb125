#!/bin/bash
# Install the Debian packages liballoc needs; does nothing when all are present.
set -euo pipefail
PKGS=(build-essential clang llvm libbpf-dev libncurses-dev libcmocka-dev strace
      systemtap-sdt-dev bpftrace bpftool libelf-dev libdw-dev zlib1g-dev
      libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4 libgoogle-perftools4
      valgrind python3 python3-prometheus-client sqlite3 git bash gcc
      redis-server tmux gnuplot-nox binutils procps passwd ncurses-term
      libmicrohttpd-dev pkgconf prometheus prometheus-node-exporter time
      jq iproute2 libunwind-dev google-perftools util-linux)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
