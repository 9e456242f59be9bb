#!/bin/sh
# make install / make uninstall into temporary directories: the files land
# where distributions expect them (default and custom PREFIX, SBINDIR,
# MANDIR, SYSTEMDUNITDIR), with their modes, the installed programs are the
# built ones, the units name the installed ntpdate, systemd-analyze verify
# accepts the units (when installed), and uninstall leaves no file behind.
# Usage: B=builddir sh tests/install.sh (make check-install).
set -u
B=${B:-.}
MAKE=${MAKE:-make}
fails=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ntpc-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

fail() {
	echo "FAIL: install: $*" >&2
	fails=$((fails + 1))
}

mk() {
	$MAKE -s --no-print-directory B="$B" "$@" >"$tmp/make.out" 2>&1 ||
	    { cat "$tmp/make.out" >&2; fail "make $*"; }
}

# files DIR: every file and symlink under DIR, relative, sorted.
files() {
	(cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
}

# check_tree DIR SBIN BIN MAN UNIT DOC: exactly the expected files.
check_tree() {
	d=$1
	expect=$(printf '%s\n' "$2/ntpdate" "$3/sntp" "$4/man8/ntpdate.8" \
	    "$4/man1/sntp.1" "$5/ntpdate.service" "$5/ntpdate.timer" \
	    "$6/examples/ntpdate.cron" "$6/examples/ntpdate.env" |
	    sed 's|^/||' | sort)
	got=$(files "$d")
	[ "$got" = "$expect" ] ||
	    fail "tree of $d: got:
$got
expected:
$expect"
	for f in "$2/ntpdate" "$3/sntp"; do
		[ "$(stat -c %a "$d$f")" = 755 ] || fail "$f: mode not 755"
	done
	for f in "$4/man8/ntpdate.8" "$5/ntpdate.service" "$5/ntpdate.timer" \
	    "$6/examples/ntpdate.env"; do
		[ "$(stat -c %a "$d$f")" = 644 ] || fail "$f: mode not 644"
	done
	cmp -s "$B/ntpdate" "$d$2/ntpdate" || fail "$2/ntpdate differs"
	cmp -s "$B/sntp" "$d$3/sntp" || fail "$3/sntp differs"
	grep -qx "ExecStart=$2/ntpdate -b \$OPTIONS \$NTPOPTIONS --config \$NTPSERVERS" \
	    "$d$5/ntpdate.service" || fail "ExecStart does not name $2/ntpdate"
	grep -q "root	$2/ntpdate -s --splay=240 --config\$" \
	    "$d$6/examples/ntpdate.cron" || fail "cron line does not name $2"
	! grep -rq '@SBINDIR@' "$d" || fail "@SBINDIR@ left in $d"
	# The timer restarts the oneshot service: it must not stay active.
	! grep -q '^RemainAfterExit=yes' "$d$5/ntpdate.service" ||
	    fail "ntpdate.service stays active; ntpdate.timer could not rerun it"
}

# check_gone DIR DOC: no file left, ntpc's doc directory removed.
check_gone() {
	left=$(files "$1")
	[ -z "$left" ] || fail "left after uninstall in $1: $left"
	[ ! -e "$1$2" ] || fail "$2 left after uninstall"
}

# Distribution layout: PREFIX=/usr, DESTDIR.
d=$tmp/dist
mk install DESTDIR="$d" PREFIX=/usr
check_tree "$d" /usr/sbin /usr/bin /usr/share/man /usr/lib/systemd/system \
    /usr/share/doc/ntpc
mk uninstall DESTDIR="$d" PREFIX=/usr
check_gone "$d" /usr/share/doc/ntpc

# Every directory variable set.
d=$tmp/custom
set -- PREFIX=/opt/ntpc SBINDIR=/opt/ntpc/bin2 MANDIR=/opt/ntpc/man \
    SYSTEMDUNITDIR=/etc/systemd/system
mk install DESTDIR="$d" "$@"
check_tree "$d" /opt/ntpc/bin2 /opt/ntpc/bin /opt/ntpc/man \
    /etc/systemd/system /opt/ntpc/share/doc/ntpc
mk uninstall DESTDIR="$d" "$@"
check_gone "$d" /opt/ntpc/share/doc/ntpc

# The installed units, with an ExecStart that exists, through systemd.
if command -v systemd-analyze >/dev/null 2>&1; then
	p=$tmp/prefix
	mk install PREFIX="$p"
	u=$p/lib/systemd/system
	if ! systemd-analyze verify --man=no "$u/ntpdate.service" \
	    "$u/ntpdate.timer" >"$tmp/verify.out" 2>&1 ||
	    [ -s "$tmp/verify.out" ]; then
		fail "systemd-analyze verify: $(cat "$tmp/verify.out")"
	fi
	mk uninstall PREFIX="$p"
	check_gone "$p" /share/doc/ntpc
else
	echo "SKIP: install: systemd-analyze not installed, units not verified"
fi

if [ "$fails" -eq 0 ]; then
	echo "install: PASS (install, uninstall, units)"
	exit 0
fi
echo "install: $fails failed"
exit 1
