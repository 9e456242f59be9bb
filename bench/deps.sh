#!/bin/sh
# Install the peers the benchmark compares against, without letting any
# of them start a service: chrony (for chronyd -Q), ntpsec-ntpdate (ntpdig),
# GNU time (peak RSS, CPU time).
set -eu
sh "$(dirname "$0")/../tests/deps.sh"
need=""
for p in chrony ntpsec-ntpdate time; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$' || need="$need $p"
done
[ -z "$need" ] && exit 0
created=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	created=1
fi
trap '[ $created = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
