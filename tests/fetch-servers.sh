#!/bin/sh
# Fetch Debian's NTPsec and OpenNTPD daemons for the real-server tests and
# unpack them with dpkg-deb -x, never installing them: their packages
# conflict with chrony's, and an installed daemon could start and set this
# host's clock.  Run by tests/deps.sh.  The tests find them in
# $NTPT_SERVERS (default /var/cache/ntpc-servers): ntpsec/usr/sbin/ntpd and
# openntpd/usr/sbin/ntpd.
# Usage: fetch-servers.sh [DIR]
set -eu
dir=${1:-${NTPT_SERVERS:-/var/cache/ntpc-servers}}
for p in ntpsec openntpd; do
	[ -x "$dir/$p/usr/sbin/ntpd" ] && continue
	mkdir -p "$dir/debs"
	rm -f "$dir/debs/${p}_"*.deb
	if ! (cd "$dir/debs" && apt-get download -qq "$p" 2>/dev/null); then
		apt-get update -qq
		(cd "$dir/debs" && apt-get download -qq "$p" 2>/dev/null)
	fi
	rm -rf "$dir/$p.tmp"
	mkdir "$dir/$p.tmp"
	dpkg-deb -x "$dir/debs/${p}_"*.deb "$dir/$p.tmp"
	mv "$dir/$p.tmp" "$dir/$p"
done
