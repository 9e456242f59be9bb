#!/usr/bin/env bash
# sntp -j against ntp-testd, parsed with python3's json module: one object
# per line, one per server then the result object; types (numbers are
# numbers, null when unknown, booleans, reason words); consistency (usable
# exactly when reason is "ok", one selected server, the result's selected
# address and offset are its, counts, result = exit status 0); the reasons
# of a mixed run (falseticker, no_reply, kod_deny, kod_rate, unsynchronised,
# wrong_origin), no usable server, no majority, --no-wait, era 1, -l.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
ntpt_enter_netns "$@"
# shellcheck source=tests/sntp.sh
. "$(dirname "$0")/../sntp.sh"

command -v python3 >/dev/null || ntpt_skip "python3 not installed"

JCHECK=$NTPT_TMP/jcheck.py
cat >"$JCHECK" <<'EOF'
# jcheck.py FILE RC EXPECT: check sntp -j output FILE of a run that exited
# with RC against EXPECT, a JSON object:
#   {"servers": [{KEY: VALUE, ...}, ...]   one per server object, in order;
#                                          "KEY~": [V, TOL] for numbers
#    "result": {KEY: VALUE, "selected_in": [ADDR, ...]}}
import json, math, sys

path, rc, expect = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
errors = []

def bad(msg):
    errors.append(msg)

def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and \
        math.isfinite(v)

def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)

SERVER_KEYS = ["host", "address", "stratum", "leap", "offset", "delay",
               "error", "root_distance", "usable", "selected", "reason",
               "requests"]
RESULT_KEYS = ["result", "selected", "offset", "servers", "usable",
               "no_majority", "adjusted", "error"]
LEAPS = ["no-leap", "add-leap", "del-leap", "unsync"]

lines = open(path, encoding="utf-8").read().split("\n")
if lines[-1] != "":
    bad("output does not end with a newline")
lines = lines[:-1]
objs = []
for i, l in enumerate(lines):
    try:
        o = json.loads(l)
    except ValueError as e:
        bad("line %d is not JSON (%s): %r" % (i + 1, e, l))
        continue
    if not isinstance(o, dict):
        bad("line %d is not an object" % (i + 1))
        continue
    objs.append(o)
if errors:
    print("\n".join(errors))
    sys.exit(1)
if not objs or "result" not in objs[-1]:
    print("the last object is not the result object")
    sys.exit(1)
servers, res = objs[:-1], objs[-1]

def check(o, want, what):
    for k, v in want.items():
        if k.endswith("~"):
            k = k[:-1]
            if not is_num(o.get(k)) or abs(o[k] - v[0]) > v[1]:
                bad("%s: %s = %r, expected %r +/- %r" %
                    (what, k, o.get(k), v[0], v[1]))
        elif k == "selected_in":
            if o.get("selected") not in v:
                bad("%s: selected = %r, expected one of %r" %
                    (what, o.get("selected"), v))
        elif k not in o or o[k] != v or type(o[k]) != type(v):
            bad("%s: %s = %r, expected %r" % (what, k, o.get(k), v))

for i, s in enumerate(servers):
    w = "server %d (%s)" % (i + 1, s.get("address"))
    if list(s) != SERVER_KEYS:
        bad("%s: keys %r, expected %r" % (w, list(s), SERVER_KEYS))
        continue
    if "result" in s:
        bad("%s: a result key before the last line" % w)
    if not isinstance(s["host"], str):
        bad("%s: host is not a string" % w)
    if s["address"] is not None and not isinstance(s["address"], str):
        bad("%s: address is not a string or null" % w)
    if s["stratum"] is not None and not is_int(s["stratum"]):
        bad("%s: stratum is not an integer or null" % w)
    if s["leap"] is not None and s["leap"] not in LEAPS:
        bad("%s: leap %r is not a leap word" % (w, s["leap"]))
    if (s["stratum"] is None) != (s["leap"] is None):
        bad("%s: stratum and leap not both known or both null" % w)
    for k in ("offset", "delay", "error", "root_distance"):
        if s[k] is not None and not is_num(s[k]):
            bad("%s: %s is not a number or null" % (w, k))
    for k in ("usable", "selected"):
        if not isinstance(s[k], bool):
            bad("%s: %s is not a boolean" % (w, k))
    if not isinstance(s["reason"], str) or not s["reason"] or \
            not all(c.islower() or c == "_" or c.isdigit()
                    for c in s["reason"]):
        bad("%s: reason %r is not a snake_case word" % (w, s["reason"]))
    if not is_int(s["requests"]) or not 0 <= s["requests"] <= 4:
        bad("%s: requests %r is not an integer 0 to 4" % (w, s["requests"]))
    if s["usable"] != (s["reason"] == "ok"):
        bad("%s: usable %r with reason %r" % (w, s["usable"], s["reason"]))
    if s["selected"] and not s["usable"]:
        bad("%s: selected but not usable" % w)
    if s["usable"]:
        if any(s[k] is None for k in ("offset", "delay", "error",
                                      "root_distance", "stratum")):
            bad("%s: usable with null fields" % w)
        elif not (s["delay"] >= 0 and s["error"] > 0 and
                  s["root_distance"] >= s["delay"] / 2 and
                  s["requests"] >= 1):
            bad("%s: implausible delay/error/root_distance/requests" % w)
    if (s["offset"] is None) != (s["delay"] is None):
        bad("%s: offset and delay not both known or both null" % w)

if list(res) != RESULT_KEYS:
    bad("result: keys %r, expected %r" % (list(res), RESULT_KEYS))
else:
    sel = [s for s in servers if s.get("selected") is True]
    usable = [s for s in servers if s.get("usable") is True]
    if not isinstance(res["result"], bool) or res["result"] != (rc == 0):
        bad("result: result %r with exit status %d" % (res["result"], rc))
    if not is_int(res["servers"]) or res["servers"] != len(servers):
        bad("result: servers %r, %d server objects" %
            (res["servers"], len(servers)))
    if not is_int(res["usable"]) or res["usable"] != len(usable):
        bad("result: usable %r, %d usable servers" %
            (res["usable"], len(usable)))
    if not isinstance(res["no_majority"], bool):
        bad("result: no_majority is not a boolean")
    if res["adjusted"] not in (None, "step", "slew"):
        bad("result: adjusted %r" % res["adjusted"])
    if res["error"] is not None and not isinstance(res["error"], str):
        bad("result: error %r" % res["error"])
    if len(sel) > 1:
        bad("result: %d servers selected" % len(sel))
    elif sel:
        if res["selected"] != sel[0]["address"]:
            bad("result: selected %r, the selected server is %r" %
                (res["selected"], sel[0]["address"]))
        # The combined offset of the survivors (the system peer's own
        # when it is alone): within the usable servers' offsets.
        offs = [s["offset"] for s in usable]
        if not isinstance(res["offset"], (int, float)) or \
                not min(offs) - 1e-9 <= res["offset"] <= max(offs) + 1e-9:
            bad("result: offset %r outside the usable servers' %r" %
                (res["offset"], offs))
        if len(usable) == 1 and res["offset"] != sel[0]["offset"]:
            bad("result: offset %r, the only usable server's is %r" %
                (res["offset"], sel[0]["offset"]))
    elif res["selected"] is not None or res["offset"] is not None:
        bad("result: selected/offset %r/%r with no server selected" %
            (res["selected"], res["offset"]))
    if res["result"] and (not sel or res["error"] is not None):
        bad("result: true without a selected server, or with an error")

want = expect.get("servers")
if want is not None:
    if len(want) != len(servers):
        bad("%d server objects, expected %d" % (len(servers), len(want)))
    for i, (s, w) in enumerate(zip(servers, want)):
        check(s, w, "server %d (%s)" % (i + 1, s.get("address")))
check(res, expect.get("result", {}), "result")
if errors:
    print("\n".join(errors))
    sys.exit(1)
EOF

# jcheck NAME EXPECT: check run NAME's JSON (see jcheck.py).
jcheck() {
	local r
	r=$(python3 "$JCHECK" "$NTPT_TMP/$1.log" "$(cat "$NTPT_TMP/$1.rc")" \
	    "$2" 2>&1) || ntpt_fail "$1: JSON: $r"
}

t0=$(date +%s.%N)
ntpt_start_testd 127.0.0.1,offset=0.25 127.0.0.2,offset=0.25 \
    127.0.0.3,offset=0.25 127.0.0.4,offset=5.25 127.0.0.5,silent \
    127.0.0.6,kod=DENY 127.0.0.7,unsync 127.0.0.8,offset=0.25,wrong_origin \
    127.0.0.9,kod=RATE 127.0.0.10,offset=0.25,leap=3 \
    127.0.0.11,offset=0.25,stratum=3 127.0.0.12,offset=3.25,stratum=1 \
    127.0.0.13,offset=-0.25 127.0.0.14,offset=-0.25,dreq=1 \
    127.0.0.15,time=2100000000
t1=$(date +%s.%N)

sn mixed -4 -j -t 2 -K "$NTPT_TMP/kod" -l "$NTPT_TMP/mixed.txt" localhost \
    127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8 \
    127.0.0.9
sn none -j 127.0.0.10
sn nomaj -j 127.0.0.11 127.0.0.12
sn nowait -j --no-wait 127.0.0.14 127.0.0.13
sn era1 --json 127.0.0.15
sn_wait

rc_is mixed 0
jcheck mixed '{"servers": [
 {"host": "localhost", "address": "127.0.0.1", "stratum": 2,
  "leap": "no-leap", "offset~": [0.25, 0.005], "usable": true,
  "reason": "ok"},
 {"host": "127.0.0.2", "address": "127.0.0.2", "offset~": [0.25, 0.005],
  "usable": true, "reason": "ok"},
 {"address": "127.0.0.3", "offset~": [0.25, 0.005], "usable": true,
  "reason": "ok"},
 {"address": "127.0.0.4", "offset~": [5.25, 0.005], "usable": false,
  "selected": false, "reason": "falseticker"},
 {"address": "127.0.0.5", "stratum": null, "leap": null, "offset": null,
  "delay": null, "error": null, "root_distance": null, "usable": false,
  "selected": false, "reason": "no_reply"},
 {"address": "127.0.0.6", "offset": null, "usable": false,
  "reason": "kod_deny", "requests": 1},
 {"address": "127.0.0.7", "leap": "unsync", "offset": null, "usable": false,
  "reason": "unsynchronised"},
 {"address": "127.0.0.8", "offset": null, "usable": false,
  "reason": "wrong_origin"},
 {"address": "127.0.0.9", "offset": null, "usable": false,
  "reason": "kod_rate", "requests": 1}],
 "result": {"result": true,
  "selected_in": ["127.0.0.1", "127.0.0.2", "127.0.0.3"],
  "offset~": [0.25, 0.005], "servers": 9, "usable": 3,
  "no_majority": false, "adjusted": null, "error": null}}'
# The lines on stderr are those without -j.
for re in '127\.0\.0\.4: falseticker: offset ' \
    '127\.0\.0\.5: no reply within 2 s \([1-4] requests?\)' \
    '127\.0\.0\.6: KoD DENY' '127\.0\.0\.7: not synchronized' \
    '127\.0\.0\.8: wrong origin' '127\.0\.0\.9: KoD RATE'; do
	ntpt_assert_match "^sntp: server $re" "$(err mixed)" "mixed: stderr"
done
ntpt_assert_eq "$(wc -l <"$NTPT_TMP/mixed.err")" 6 "mixed: stderr lines"
# -l gets the JSON lines too.
ntpt_assert_eq "$(cat "$NTPT_TMP/mixed.txt")" "$(cat "$NTPT_TMP/mixed.log")" \
    "mixed: -l file"

rc_is none 1
jcheck none '{"servers": [
 {"host": "127.0.0.10", "address": "127.0.0.10", "stratum": 2,
  "leap": "unsync", "usable": false, "selected": false,
  "reason": "unsynchronised", "requests": 1}],
 "result": {"result": false, "selected": null, "offset": null,
  "servers": 1, "usable": 0, "no_majority": false, "adjusted": null,
  "error": "no_usable_server"}}'

# No majority: neither is believed, nothing selected, exit 1.
rc_is nomaj 1
jcheck nomaj '{"servers": [
 {"address": "127.0.0.11", "stratum": 3, "usable": false, "selected": false,
  "reason": "no_majority"},
 {"address": "127.0.0.12", "stratum": 1, "usable": false, "selected": false,
  "reason": "no_majority", "offset~": [3.25, 0.005]}],
 "result": {"result": false, "selected": null, "no_majority": true,
  "usable": 0, "offset": null, "error": "no_usable_server"}}'
ntpt_assert_match '^sntp: no majority: the servers disagree: ' \
    "$(err nomaj)" "nomaj: stderr"

rc_is nowait 0
jcheck nowait '{"servers": [
 {"address": "127.0.0.14", "usable": false, "selected": false,
  "reason": "not_waited_for", "requests": 1, "offset": null},
 {"address": "127.0.0.13", "usable": true, "selected": true,
  "reason": "ok", "offset~": [-0.25, 0.005]}],
 "result": {"result": true, "selected": "127.0.0.13", "servers": 2,
  "usable": 1}}'
ntpt_assert_eq "$(err nowait)" "" "nowait: stderr"

# Era 1: a number of about 3e8 s, still to the nanosecond; the served
# clock started at 2100000000 between t0 and t1.
rc_is era1 0
jcheck era1 "{\"servers\": [{\"address\": \"127.0.0.15\", \"offset~\":
 [$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f, %.6f",
    2100000000 - (a + b) / 2, (b - a) / 2 + 0.01 }')],
 \"selected\": true}]}"
ntpt_assert_match '"offset":[0-9]{9}\.[0-9]{9},' "$(head -n 1 \
    "$NTPT_TMP/era1.log")" "era1: offset digits"

ntpt_pass
