#!/bin/bash
# NTS benchmark: ntpdate --nts -q and sntp --nts against chronyd -Q with
# 'server ... nts', all against one chronyd serving NTS on loopback (same
# clock, so the true offset is 0), in a private user + network namespace.
# The certificate comes from a test CA made here.  BENCH_N runs per client
# (default 10).  Prints a markdown table (median and worst wall time, median
# and worst |offset|); also bench/out/nts.md.  Needs an NTS=1 build:
# make bench-nts.
. "$(dirname "$0")/../tests/lib.sh"
NTPT_TIMEOUT=${NTPT_TIMEOUT:-600}
ntpt_enter_netns "$@"
set -u
B=$NTPT_BUILD
N=${BENCH_N:-10}
OUT=${BENCH_OUT:-$NTPT_SRC/bench/out}
mkdir -p "$OUT"
"$B/ntpdate" --nts 127.0.0.1 2>&1 | grep -q 'not built with NTS' &&
    ntpt_skip "not an NTS build (make bench-nts)"

P=$NTPT_TMP
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$P/ca.key" -out "$P/ca.pem" -days 30 -subj /CN=bench-ca \
    >/dev/null 2>&1 &&
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$P/srv.key" -out "$P/srv.csr" -subj /CN=ntp.test \
    >/dev/null 2>&1 &&
printf 'subjectAltName=DNS:ntp.test,IP:127.0.0.1\n' >"$P/ext" &&
openssl x509 -req -in "$P/srv.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" \
    -CAcreateserial -out "$P/srv.pem" -days 30 -extfile "$P/ext" \
    >/dev/null 2>&1 || ntpt_fail "openssl failed"
echo "127.0.0.1 ntp.test" >"$P/hosts"
mount --bind "$P/hosts" /etc/hosts || ntpt_fail "cannot bind /etc/hosts"

ntpt_start_chronyd srv "local stratum 10" "allow all" \
    "bindaddress 127.0.0.1" "ntsserverkey $P/srv.key" \
    "ntsservercert $P/srv.pem" "ntsprocesses 0"
sleep 0.5
# chronyd ignores its configuration file when given directives.
mkdir -p "$P/qdump"

client_cmd() {
	case $1 in
	ntpdate-nts)	echo "$B/ntpdate -q --nts --nts-ca $P/ca.pem ntp.test" ;;
	sntp-nts)	echo "$B/sntp -K /dev/null --nts --nts-ca $P/ca.pem ntp.test" ;;
	chronyd-Q-nts)	echo "chronyd -Q -u root 'pidfile $P/q.pid'" \
			    "'ntstrustedcerts $P/ca.pem' 'ntsdumpdir $P/qdump'" \
			    "'server ntp.test iburst nts maxsamples 1'" ;;
	ntpdate-plain)	echo "$B/ntpdate -q 127.0.0.1" ;;
	esac
}

offset_of() {
	case $1 in
	ntpdate*) awk '/ time server / { o = $(NF - 1) } END { print o }' "$2" ;;
	sntp*) awk '{ for (i = 1; i <= NF; i++)
		if ($i == "+/-") o = $(i - 1) } END { print o }' "$2" ;;
	chronyd*) awk '/System clock wrong by/ {
		for (i = 1; i <= NF; i++) if ($i == "by") o = $(i + 1) }
		END { print o }' "$2" ;;
	esac
}

RAW=$P/raw
: >"$RAW"
for cl in ntpdate-nts sntp-nts chronyd-Q-nts ntpdate-plain; do
	for ((i = 0; i < N; i++)); do
		rm -f "$P/qdump"/*
		cmd=$(client_cmd "$cl")
		t0=$(date +%s%N)
		eval "timeout 30 $cmd" >"$P/out" 2>&1
		[ "$i" = 0 ] && cp "$P/out" "$OUT/nts-$cl.out"
		t1=$(date +%s%N)
		off=$(offset_of "$cl" "$P/out")
		echo "$cl $(((t1 - t0) / 1000)) ${off:-fail}" >>"$RAW"
	done
done
cp "$RAW" "$OUT/nts-raw.txt"
{
	echo "| client | median wall ms | worst wall ms | median abs offset s | worst abs offset s | failed |"
	echo "|---|---:|---:|---:|---:|---:|"
	for cl in ntpdate-nts sntp-nts chronyd-Q-nts ntpdate-plain; do
		awk -v cl="$cl" '$1 == cl { w[n + 0] = $2 / 1000; if ($3 == "fail")
			f++; else { o = $3 < 0 ? -$3 : $3; e[m++] = o } n++ }
		function med(a, k,   i, j, t) { for (i = 0; i < k; i++)
			for (j = i + 1; j < k; j++) if (a[j] < a[i]) {
				t = a[i]; a[i] = a[j]; a[j] = t }
			return k ? a[int((k - 1) / 2)] : 0 }
		END { mw = med(w, n); ww = w[n - 1]; me = med(e, m)
			we = m ? e[m - 1] : 0
			printf "| %s | %.1f | %.1f | %.6f | %.6f | %d |\n",
			    cl, mw, ww, me, we, f }' "$RAW"
	done
	echo
	echo "Runs per client: $N; loopback, one chronyd 4.3 serving NTS" \
	    "(ntsprocesses 0), P-256 certificate from a test CA;" \
	    "ntpdate-plain is ntpdate -q without NTS, for reference."
} | tee "$OUT/nts.md"
ntpt_pass
