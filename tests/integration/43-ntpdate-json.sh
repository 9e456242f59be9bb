#!/usr/bin/env bash
# ntpdate --json, parsed with python3's json module: stdout holds only
# JSON objects, one per server then the result, with exactly sntp -j's
# keys in sntp -j's order (checked side by side) and types; the facts of
# the run (the selected server and its offset, the other servers'
# reasons, counts, "adjusted" of a clock-setting run with the clock
# faked, "error" when nothing is usable); classic's lines go to stderr.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/ntpdate.sh
. "$(dirname "$0")/../ntpdate.sh"
SN=$NTPT_BUILD/sntp

command -v python3 >/dev/null || ntpt_skip "python3 not installed"

ntpt_start_testd "127.0.0.1,offset=0.25" "127.0.0.2,silent" \
    "127.0.0.3,kod=DENY" "127.0.0.4,offset=3"

JCHECK=$NTPT_TMP/jcheck.py
cat >"$JCHECK" <<'PY'
# jcheck.py FILE RC EXPECT: FILE's lines are JSON objects, servers then a
# result; EXPECT: {"servers": [{KEY: VALUE or [V, TOL] for KEY~}],
# "result": {...}}.  Prints the key lists of the first server and the
# result objects (for the comparison with sntp -j).
import json, math, sys

path, rc, expect = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
errors = []
SERVER = {"host": str, "address": (str, type(None)),
          "stratum": (int, type(None)), "leap": (str, type(None)),
          "offset": (float, int, type(None)), "delay": (float, int, type(None)),
          "error": (float, int, type(None)),
          "root_distance": (float, int, type(None)), "usable": bool,
          "selected": bool, "reason": str, "requests": int}
RESULT = {"result": bool, "selected": (str, type(None)),
          "offset": (float, int, type(None)), "servers": int, "usable": int,
          "no_majority": bool, "adjusted": (str, type(None)),
          "error": (str, type(None))}

text = open(path, encoding="utf-8").read()
objs = [json.loads(l) for l in text.split("\n") if l != ""]
if not text.endswith("\n"):
    errors.append("no final newline")
servers, result = objs[:-1], objs[-1]

def check_types(o, schema, what):
    if set(o) != set(schema):
        errors.append("%s keys %s" % (what, sorted(o)))
    for k, t in schema.items():
        if k in o and (not isinstance(o[k], t) or
                       (isinstance(o[k], bool) and t is int)):
            errors.append("%s.%s: %r" % (what, k, o[k]))

def check_values(o, exp, what):
    for k, v in exp.items():
        if k.endswith("~"):
            k = k[:-1]
            if not isinstance(o.get(k), (int, float)) or \
               abs(o[k] - v[0]) > v[1]:
                errors.append("%s.%s = %r, expected %r +/- %r" %
                              (what, k, o.get(k), v[0], v[1]))
        elif o.get(k) != v:
            errors.append("%s.%s = %r, expected %r" % (what, k, o.get(k), v))

for i, s in enumerate(servers):
    check_types(s, SERVER, "server %d" % i)
    if s.get("usable") != (s.get("reason") == "ok"):
        errors.append("server %d: usable but reason %r" % (i, s["reason"]))
check_types(result, RESULT, "result")
if len(servers) != len(expect["servers"]):
    errors.append("%d server objects, expected %d" %
                  (len(servers), len(expect["servers"])))
for i, (s, e) in enumerate(zip(servers, expect["servers"])):
    check_values(s, e, "server %d" % i)
check_values(result, expect["result"], "result")
sel = [s for s in servers if s["selected"]]
if result["selected"] is not None:
    if len(sel) != 1 or sel[0]["address"] != result["selected"] or \
       sel[0]["offset"] != result["offset"]:
        errors.append("result.selected/offset are not the selected server's")
elif sel:
    errors.append("a server is selected but the result names none")
if result["servers"] != len(servers) or \
   result["usable"] != sum(s["usable"] for s in servers):
    errors.append("result counts do not match the server objects")
if result["result"] != (rc == 0):
    errors.append("result %r with exit status %d" % (result["result"], rc))
if errors:
    print("\n".join(errors))
    sys.exit(1)
print(" ".join(servers[0]) if servers else "")
print(" ".join(result))
PY

# jcheck NAME EXPECT: check run NAME's stdout; prints the key lists.
jcheck() {
	python3 "$JCHECK" "$NTPT_TMP/$1.log" "$(cat "$NTPT_TMP/$1.rc")" "$2" \
	    >"$NTPT_TMP/$1.keys" 2>&1 ||
	    ntpt_fail "$1: $(cat "$NTPT_TMP/$1.keys")"
}

# A mixed -q run.
nd mixed -q --json 127.0.0.1 127.0.0.2 127.0.0.3
nd_wait
rc_is mixed 0
jcheck mixed '{"servers": [
  {"address": "127.0.0.1", "usable": true, "selected": true, "reason": "ok",
   "offset~": [0.25, 0.01], "stratum": 2, "leap": "no-leap"},
  {"address": "127.0.0.2", "usable": false, "selected": false,
   "reason": "no_reply", "offset": null, "stratum": null},
  {"address": "127.0.0.3", "usable": false, "reason": "kod_deny"}],
 "result": {"result": true, "selected": "127.0.0.1", "servers": 3,
   "usable": 1, "adjusted": null, "error": null, "no_majority": false}}'
# Classic's lines went to stderr.
ntpt_assert_match -f '^server 127\.0\.0\.1, stratum 2, offset \+0\.2' \
    "$NTPT_TMP/mixed.err" "-q line on stderr"
ntpt_assert_match -f "$(pfx mixed)adjust time server 127\.0\.0\.1 offset " \
    "$NTPT_TMP/mixed.err" "final line on stderr"

# The same servers through sntp -j: the same keys in the same order.
timeout 30 "$SN" -K /dev/null -j 127.0.0.1 127.0.0.2 127.0.0.3 \
    >"$NTPT_TMP/sntp.log" 2>"$NTPT_TMP/sntp.err"
echo $? >"$NTPT_TMP/sntp.rc"
jcheck sntp '{"servers": [{"address": "127.0.0.1", "reason": "ok"},
  {"reason": "no_reply"}, {"reason": "kod_deny"}],
  "result": {"result": true, "selected": "127.0.0.1"}}'
ntpt_assert_eq "$(cat "$NTPT_TMP/mixed.keys")" \
    "$(cat "$NTPT_TMP/sntp.keys")" "ntpdate --json keys = sntp -j keys"

# Clock-setting runs, clock faked: slew, then step.
ndf slew --json -u 127.0.0.1
jcheck slew '{"servers": [{"address": "127.0.0.1", "selected": true}],
  "result": {"result": true, "adjusted": "slew", "error": null,
   "offset~": [0.25, 0.01]}}'
ntpt_assert_match 'ADJ_OFFSET_SINGLESHOT' "$(ntpt_clock_calls)" "slew call"
ndf step --json -u 127.0.0.4
jcheck step '{"servers": [{"address": "127.0.0.4", "selected": true}],
  "result": {"result": true, "adjusted": "step", "offset~": [3, 0.01]}}'
ntpt_assert_match '^clock_settime\(CLOCK_REALTIME' "$(ntpt_clock_calls)" \
    "step call"

# Nothing usable: result false, exit 1, the error word.
nd none -q --json -t 0.3 127.0.0.2
nd_wait
rc_is none 1
jcheck none '{"servers": [{"address": "127.0.0.2", "reason": "no_reply"}],
  "result": {"result": false, "selected": null, "offset": null,
   "usable": 0, "error": "no_usable_server"}}'
# No name resolves (hosts from /etc/hosts only, bind-mounted in this
# private mount namespace: no DNS query at all).
echo 'hosts: files' >"$NTPT_TMP/nsswitch.conf"
mount --bind "$NTPT_TMP/nsswitch.conf" /etc/nsswitch.conf ||
    ntpt_fail "cannot bind-mount /etc/nsswitch.conf"
nd unres -q --json no-such-host.test
nd_wait
rc_is unres 1
jcheck unres '{"servers": [{"host": "no-such-host.test", "address": null,
   "reason": "name_not_resolved", "requests": 0}],
  "result": {"result": false, "servers": 1, "error": "no_server"}}'
ntpt_pass
