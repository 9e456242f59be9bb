# tests/compat/lib.sh: side by side with NTP Classic 4.2.8p18.  Source it
# after tests/lib.sh's ntpt_enter_netns.
#
# pair NAME PROG ARGS... runs classic PROG (from $NTP_ANCHORS, default
# ../shared/anchors) and then ours with the same arguments, the same argv[0]
# and every clock call faked (strace), and keeps for each side (c: classic,
# o: ours) NAME.SIDE.out, .err, .rc, .clk.  same NAME [EXCEPTIONS...]
# then compares the two stream by stream after normalising only what
# measures (offset, delay, dispersion, time of day, timestamps, PID and the
# version string).  Each deliberate difference is passed to `same` by name
# and defined, with its reason, in compat_exception below; the man pages'
# COMPATIBILITY sections list the same ones.

: "${NTP_ANCHORS:=$NTPT_SRC/../shared/anchors}"
CL=$NTP_ANCHORS
OURS=$NTPT_BUILD
COMPAT_WRAP=()		# a command prefix for both sides (compat_devlog)

compat_need_classic() {
	local p
	for p in "$@"; do
		[ -x "$CL/$p" ] || ntpt_skip "classic $p not in \$NTP_ANCHORS" \
		    "($CL); see ../shared/anchors/README.md"
		"$CL/$p" --version >/dev/null 2>&1 </dev/null
		# ntpdate has no --version: it prints its usage and exits 2.
		[ $? -le 2 ] || ntpt_skip "classic $p does not run here" \
		    "(libraries missing? sh tests/deps.sh)"
	done
	command -v strace >/dev/null || ntpt_skip "strace not installed"
	command -v perl >/dev/null || ntpt_skip "perl not installed"
}

# side NAME SIDE DIR PROG ARGS...: one run, bounded, clock calls faked
# (to succeed, or as COMPAT_CLOCK says, e.g. error=EPERM).
compat_side() {
	local name=$1 side=$2 dir=$3 prog=$4 calls
	shift 4
	calls=clock_settime,settimeofday,adjtimex,clock_adjtime
	calls+=',?stime,?clock_settime64,?clock_adjtime64'
	# shellcheck disable=SC2016 # for the inner shell
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    "${COMPAT_WRAP[@]}" strace -f -qq -e signal=none -e trace="$calls" \
	    -e inject="$calls":"${COMPAT_CLOCK:-retval=0}" \
	    -o "$NTPT_TMP/$name.$side.strace" \
	    timeout -k 2 40 bash -c 'exec -a "$0" "$@"' "$prog" "$dir/$prog" \
	    "$@" >"$NTPT_TMP/$name.$side.out" 2>"$NTPT_TMP/$name.$side.err"
	echo $? >"$NTPT_TMP/$name.$side.rc"
	compat_clock "$NTPT_TMP/$name.$side.strace" >"$NTPT_TMP/$name.$side.clk"
}

# The clock calls as "step SEC" (the time asked for, whole seconds) or
# "slew SEC" (the adjustment, microseconds as seconds).
compat_clock() {
	[ -e "$1" ] || return 0
	perl -ne '
		if (/clock_settime\(CLOCK_REALTIME, \{tv_sec=(\d+), tv_nsec=(\d+)/) {
			printf "step %.6f\n", $1 + $2 / 1e9;
		} elsif (/ADJ_OFFSET_SINGLESHOT, offset=(-?\d+)/) {
			printf "slew %.6f\n", $1 / 1e6;
		} elsif (/settimeofday\(\{tv_sec=(\d+), tv_usec=(\d+)/) {
			printf "step %.6f\n", $1 + $2 / 1e6;
		} elsif (/(adjtimex|clock_adjtime)\(.*modes=0[,}]/) {
			# a read-only query: not an adjustment
		} elsif (/^\d+\s+(\w+)\(/) {
			print "other $1\n";
		}' "$1"
}

# pair NAME PROG ARGS...: classic, then ours (one at a time: both may bind
# port 123).  Run pairs that do not bind it in the background with &.
pair() {
	local name=$1 prog=$2
	shift 2
	printf '%s\n' "$prog $*" >"$NTPT_TMP/$name.cmd"
	compat_side "$name" c "$CL" "$prog" "$@"
	compat_side "$name" o "$OURS" "$prog" "$@"
}

# Normalise one stream: only the measured fields, the PID, the version.
compat_norm() {
	perl -pe '
		s/^ ?\d{1,2} [A-Z][a-z]{2} \d\d:\d\d:\d\d (\w+)\[\d+\]: /DATE $1\[PID\]: /;
		s/(\w+)\[\d+\]: /$1\[PID\]: /;
		s/^(DATE ntpdate\[PID\]: )?ntpdate (4\.2\.8\S* .*|ntpc-\S+)$/$1ntpdate VERSION/;
		s/^sntp (4\.2\.8\S* .*|ntpc-\S+)$/sntp VERSION/;
		s/(sntp\[PID\]: )sntp (4\.2\.8\S* .*|ntpc-\S+)$/$1sntp VERSION/;
		s/Ver\. \S+$/Ver. VERSION/;
		s/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \([-+]\d{4}\) /DATE /;
		s/[0-9a-f]{8}\.[0-9a-f]{8}  \w{3}, \w{3} [ \d]\d \d{4} [ \d]\d:\d\d:\d\d\.\d{3}/TIMESTAMP/;
		s/(?<![\d.])[-+]?\d+\.\d+(?![\d.])/N/g;
	' "$1"
}

# The -d trace: classic sends 4 requests per server, ours as many as its
# sampling policy needs (exception "requests"); keep each line once.
compat_trace_once() {
	awk '/^(transmit|receive)\(|^receive: mode/ { if (seen[$0]++) next }
	    { print }' "$1"
}

# Our detail lines on stderr (exception "detail"): ours keeps classic's
# messages and adds why each server was not used; drop those to compare.
compat_drop_detail() {
	grep -Ev -e '^DATE ntpdate\[PID\]: server [^ ]+: ' \
	    -e '^DATE ntpdate\[PID\]: [0-9]+ servers disagree' \
	    -e '^[0-9a-f.:]+: (sample [0-9]+|rejected reply|verdict): ' \
	    -e '^sntp: server [^ ]+( \([^)]*\))?: ' \
	    -e '^sntp: [0-9]+ servers disagree' "$1"
}

# same NAME [EXCEPTION...]: the two sides agree stream by stream.
same() {
	local name=$1 s f x
	shift
	for s in c o; do
		for f in out err; do
			compat_norm "$NTPT_TMP/$name.$s.$f" \
			    >"$NTPT_TMP/$name.$s.n$f"
		done
		compat_trace_once "$NTPT_TMP/$name.$s.nout" \
		    >"$NTPT_TMP/$name.$s.nout2"
		mv "$NTPT_TMP/$name.$s.nout2" "$NTPT_TMP/$name.$s.nout"
	done
	compat_drop_detail "$NTPT_TMP/$name.o.nerr" >"$NTPT_TMP/$name.o.nerr2"
	mv "$NTPT_TMP/$name.o.nerr2" "$NTPT_TMP/$name.o.nerr"
	for x in "$@"; do
		compat_exception "$name" "$x"
	done
	compat_cmp "$name" nout "standard output"
	compat_cmp "$name" nerr "standard error"
	compat_cmp "$name" rc "exit status"
	compat_clock_cmp "$name"
}

compat_cmp() {
	cmp -s "$NTPT_TMP/$1.c.$2" "$NTPT_TMP/$1.o.$2" && return 0
	ntpt_fail "$1 ($(cat "$NTPT_TMP/$1.cmd")): $3 differs" \
	    "(- classic, + ours):"$'\n'"$(diff -u "$NTPT_TMP/$1.c.$2" \
	    "$NTPT_TMP/$1.o.$2" | tail -n +3)"
}

# The same clock calls, each value within 5 % or 20 ms of classic's
# (classic's slew adds its own correction; both step to now + offset).
compat_clock_cmp() {
	paste -d ' ' "$NTPT_TMP/$1.c.clk" "$NTPT_TMP/$1.o.clk" | awk '
		NF != 4 || $1 != $3 { bad = 1 }
		{ d = $2 - $4; if (d < 0) d = -d; v = $2 < 0 ? -$2 : $2
		  if (d > 0.02 && d > v * 0.05) bad = 1 }
		END { exit bad }' && [ "$(wc -l <"$NTPT_TMP/$1.c.clk")" = \
	    "$(wc -l <"$NTPT_TMP/$1.o.clk")" ] ||
	    ntpt_fail "$1 ($(cat "$NTPT_TMP/$1.cmd")): clock calls differ:" \
	    $'\n'"classic: $(cat "$NTPT_TMP/$1.c.clk")"$'\n'"ours: $(cat \
	    "$NTPT_TMP/$1.o.clk")"
}

# compat_expect NAME STREAM REGEX: our side of STREAM (out, err, nout...)
# matches REGEX; the exceptions check ours with it before they equalise.
compat_expect() {
	local name=$1 f=$2 re=$3
	grep -Eq -- "$re" "$NTPT_TMP/$name.o.$f" ||
	    ntpt_fail "$name: ours should print /$re/ in $f:" \
	    "$(cat "$NTPT_TMP/$name.o.$f")"
}

# compat_exception NAME X: a deliberate difference.  Each first checks
# that ours does what the man page says, then puts classic's text in its
# place so the rest of the comparison still holds.
compat_exception() {
	local n=$1 t=$NTPT_TMP/$1
	case $2 in
	rc-honest)
		# sntp: nothing usable answered.  Classic exits 0 without
		# -S/-s; ours exits 1 (a script can tell).
		ntpt_assert_eq "$(cat "$t.c.rc")/$(cat "$t.o.rc")" 0/1 \
		    "$n: exit statuses (classic 0, ours 1)"
		cp "$t.c.rc" "$t.o.rc" ;;
	unsync-refused)
		# sntp: a reply of stratum 16 (not synchronised): classic
		# prints it as a result; ours never offers such a time.
		grep -q ' s16 ' "$t.c.nout" || ntpt_fail "$n: classic s16?"
		grep -q ' s16 ' "$t.o.nout" &&
		    ntpt_fail "$n: ours printed a stratum 16 result"
		grep -v ' s16 ' "$t.c.nout" >"$t.c.x"
		mv "$t.c.x" "$t.c.nout" ;;
	quiet-cron)
		# ntpdate -s with no syslog socket: classic prints nothing;
		# ours stays silent on success and puts failures on stderr,
		# so cron mails on failure only.
		[ -s "$t.c.nerr" ] && ntpt_fail "$n: classic printed an error"
		ntpt_assert_eq "$(cat "$t.o.rc")" 1 "$n: ours failed"
		[ -s "$t.o.nerr" ] || ntpt_fail "$n: ours said nothing"
		: >"$t.o.nerr" ;;
	version-range)
		# ntpdate -o 5 / sntp -o 9: classic sends any version;
		# ours refuses what is not NTP 1..4, as an option error.
		compat_expect "$n" err 'version must be 1 to 4|1 to 4$'
		cp "$t.c.nout" "$t.o.nout"
		cp "$t.c.nerr" "$t.o.nerr"
		cp "$t.c.rc" "$t.o.rc" ;;
	range-text)
		# sntp: ours states its own ranges in classic's format.
		sed -E 's/^\tN? ?[0-9.]+ to [0-9.]+$/\tRANGE/' "$t.o.nerr" \
		    >"$t.o.x" && mv "$t.o.x" "$t.o.nerr"
		sed -E 's/^\tN? ?[0-9.]+ to [0-9.]+$/\tRANGE/' "$t.c.nerr" \
		    >"$t.c.x" && mv "$t.c.x" "$t.c.nerr" ;;
	help)
		# sntp --help: classic's layout, our option list (no -b, no
		# presets, -j added): the first three lines only.
		compat_expect "$n" nout '^   -j no  json '
		head -n 3 "$t.c.nout" >"$t.c.x" && mv "$t.c.x" "$t.c.nout"
		head -n 3 "$t.o.nout" >"$t.o.x" && mv "$t.o.x" "$t.o.nout" ;;
	syslog-facility)
		# sntp: classic logs with facility 0 (kern, meant for the
		# kernel); ours with user.
		grep -q '^user\.' "$t.o.nsyslog" ||
		    ntpt_fail "$n: ours did not log as user"
		sed 's/^kern\./user./' "$t.c.nsyslog" >"$t.c.x"
		mv "$t.c.x" "$t.c.nsyslog" ;;
	port-in-use)
		# ntpdate, port 123 held by chronyd (SO_REUSEADDR): classic
		# binds next to it and, as the kernel hands the replies to one
		# socket or the other, either sets the clock under the running
		# daemon or fails 8 s later with "no server suitable"; ours
		# says the port is in use, at once, and changes nothing.
		compat_expect "$n" err 'the NTP socket is in use, exiting$'
		ntpt_assert_eq "$(cat "$t.o.rc")" 1 "$n: our exit status"
		[ -s "$t.o.clk" ] && ntpt_fail "$n: ours touched the clock"
		for x in nout nerr rc clk; do cp "$t.c.$x" "$t.o.$x"; done ;;
	auth)
		# -a with no key file: both end with classic's "no key file
		# <F>, exiting" and exit 1 before sending anything; the line
		# before it is classic's "authreadkeys: file 'F': ..." and
		# ours "key file F: cannot open: ..." (the same detail).
		compat_expect "$n" err 'no key file </etc/ntp.keys>, exiting$'
		compat_expect "$n" err 'key file /etc/ntp.keys: cannot open: '
		ntpt_assert_eq "$(cat "$t.o.rc")/$(cat "$t.c.rc")" 1/1 \
		    "$n: exit statuses"
		cp "$t.c.nerr" "$t.o.nerr" ;;
	auth-badline)
		# -a, a key file with a bad line: both reject the file, say
		# why (classic "authreadkeys: passwd has bad char for key 2"
		# and "rejecting file", ours "key file F, line 2: ..."), end
		# with classic's "no key file <F>, exiting" and exit 1.
		compat_expect "$n" err "no key file <$NTPT_TMP/bad.keys>, exiting\$"
		compat_expect "$n" err "key file $NTPT_TMP/bad.keys, line 2: "
		ntpt_assert_eq "$(cat "$t.o.rc")/$(cat "$t.c.rc")" 1/1 \
		    "$n: exit statuses"
		cp "$t.c.nerr" "$t.o.nerr" ;;
	slew-amount)
		# ntpdate slewing: classic asks adjtime() for 62.5 ms more
		# than the offset it prints (measured with 4.2.8p18: 0.25 s
		# slewed as 0.3125, 3 s as 3.0625); ours slews by the offset.
		awk '$1 == "slew" { print "slew", $2 - 0.0625; next }
		    { print }' "$t.c.clk" >"$t.c.x" && mv "$t.c.x" "$t.c.clk" ;;
	clock-refused)
		# The clock cannot be changed (EPERM).  Classic says
		# "step-systime: ERR" (and ntpdate then exits 0), "Can't
		# adjust the time of day: ERR" or "adj_systime: ERR"; ours
		# says "can't step/slew the clock: ERR" and exits 1.
		compat_expect "$n" err "(can't|cannot) (step|slew) the clock: "
		ntpt_assert_eq "$(cat "$t.o.rc")" 1 "$n: our exit status"
		grep -Eq "step-systime: |Can't adjust the time of day: |adj_systime: " \
		    "$t.c.nerr" "$t.c.nout" || ntpt_fail "$n: classic's message?"
		cp "$t.c.nerr" "$t.o.nerr"
		cp "$t.c.rc" "$t.o.rc"
		# Classic retries a failed step (step, adjtime, step): compare
		# the first call only.
		head -n 1 "$t.c.clk" >"$t.c.x" && mv "$t.c.x" "$t.c.clk" ;;
	ucst-race)
		# sntp, a silent server: classic's "no UCST response" line
		# comes from a timer that races with its end-of-run timer of
		# the same length; under load classic sometimes exits first
		# and omits it.  Ours always prints it.  Accept classic's
		# omission, never ours.
		compat_expect "$n" nout ' no UCST response after [0-9]+ seconds$'
		for x in nout nlog; do
			[ -e "$t.c.$x" ] || continue
			grep -q ' no UCST response ' "$t.c.$x" && continue
			echo "note: $n: classic omitted its no UCST line" >&2
			grep -v ' no UCST response ' "$t.o.$x" >"$t.o.x"
			mv "$t.o.x" "$t.o.$x"
		done ;;
	*)	ntpt_fail "$n: unknown exception $2" ;;
	esac
}

# compat_devlog SOCKET|- CMD...: CMD in a mount namespace of its own whose
# /dev holds null, zero, urandom and, unless SOCKET is -, a log socket
# link to SOCKET (our listener): syslog(3) reaches it, or finds none.
compat_devlog() {
	local sock=$1 d
	shift
	d=$(mktemp -d "$NTPT_TMP/dev.XXXXXX") || return 99
	# shellcheck disable=SC2016 # for the inner shell
	exec unshare -m --propagation private sh -c '
	    d=$1 sock=$2
	    shift 2
	    mount -t tmpfs tmpfs "$d" || exit 99
	    for n in null zero urandom random; do
		: >"$d/$n" && mount --bind "/dev/$n" "$d/$n" || exit 99
	    done
	    [ "$sock" = - ] || ln -s "$sock" "$d/log" || exit 99
	    mount --bind "$d" /dev || exit 99
	    exec "$@"' sh "$d" "$sock" "$@"
}

# pair_syslog NAME SOCKET|listen PROG ARGS...: pair with a private /dev on
# each side; with "listen", a listener (tests/compat/syslogd.py) per side
# writes what reaches syslog to NAME.SIDE.syslog ("facility.priority
# ident[PID]: message"); with -, no log socket at all.
pair_syslog() {
	local name=$1 mode=$2 prog=$3 s pid sock
	shift 3
	printf '%s\n' "$prog $*" >"$NTPT_TMP/$name.cmd"
	for s in c o; do
		: >"$NTPT_TMP/$name.$s.syslog"
		sock=-
		if [ "$mode" = listen ]; then
			sock=$NTPT_TMP/$name.$s.sock
			python3 "$NTPT_SRC/tests/compat/syslogd.py" "$sock" \
			    "$NTPT_TMP/$name.$s.syslog" &
			pid=$!
			ntpt_wait_until 5 test -S "$sock" ||
			    ntpt_fail "$name: syslog listener did not start"
		fi
		COMPAT_WRAP=(bash -c "$(declare -f compat_devlog)
		    compat_devlog \"\$@\"" - "$sock")
		compat_side "$name" "$s" "$([ $s = c ] && echo "$CL" ||
		    echo "$OURS")" "$prog" "$@"
		COMPAT_WRAP=()
		# The program has exited: its messages are all queued on
		# the socket; the listener writes them out on SIGTERM.
		if [ "$mode" = listen ]; then
			kill "$pid"
			wait "$pid" 2>/dev/null
		fi
	done
}

# same_syslog NAME [EXCEPTION...]: same, and the same syslog messages
# (our detail lines dropped, as on stderr: exception "detail").
same_syslog() {
	local name=$1 s
	shift
	for s in c o; do
		compat_norm "$NTPT_TMP/$name.$s.syslog" | grep -Ev \
		    -e ' ntpdate\[PID\]: server [^ ]+: ' \
		    -e ' ntpdate\[PID\]: [0-9]+ servers disagree' \
		    -e ' sntp\[PID\]: (server [^ ]+|[0-9]+ servers disagree)' \
		    >"$NTPT_TMP/$name.$s.nsyslog"
	done
	same "$name" "$@"
	compat_cmp "$name" nsyslog "syslog messages"
}
