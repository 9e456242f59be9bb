#!/bin/sh
# Install what the build and the tests need on Debian 12, as root, and any
# further Debian packages named as arguments (bench/deps.sh does).
# chrony must not start its daemon while installing (it would set this
# host's clock from public servers): policy-rc.d forbids service starts.
# The run-time libraries of ../shared/anchors (NTP Classic, BusyBox) and
# NTPsec's are installed; NTPsec and OpenNTPD themselves are only fetched
# and unpacked (fetch-servers.sh), never installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
need=""
for p in build-essential pkg-config check chrony strace iproute2 mandoc \
    clang libclang-rt-14-dev util-linux python3 jq libssl3 \
    libevent-core-2.1-7 libevent-pthreads-2.1-7 libcap2 libbsd0 \
    libgnutls28-dev openssl "$@"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$' || need="$need $p"
done
if [ -z "$need" ]; then
	[ "$(id -u)" = 0 ] && sh "$here/fetch-servers.sh"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: need root to install:$need" >&2
	exit 1
fi
created=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	created=1
fi
trap '[ $created = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $need >/dev/null
# Belt and braces: no chronyd may be left running on the host.
if command -v systemctl >/dev/null 2>&1; then
	systemctl disable --now chrony >/dev/null 2>&1 || true
fi
sh "$here/fetch-servers.sh"
