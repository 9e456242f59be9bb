#!/bin/bash
# make demo: the project's test NTP server on loopback in a private user
# and network namespace (nothing leaves this machine, the clock cannot be
# changed), then `ntpdate -q` and `sntp` against it.
. "$(dirname "$0")/lib.sh"
ntpt_enter_netns "$@"
B=$NTPT_BUILD
ntpt_start_testd "127.0.0.1,offset=0.25,stratum=2" \
    "127.0.0.2,offset=0.2501,dreq=0.002,dresp=0.001" \
    "127.0.0.3,offset=5,stratum=1" "127.0.0.4,silent"
echo "Test server: 127.0.0.1 and 127.0.0.2 are 0.25 s ahead, 127.0.0.3 is a"
echo "falseticker 5 s ahead, 127.0.0.4 never answers."
echo
echo "\$ ntpdate -q 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4"
"$B/ntpdate" -q 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4
echo "(exit status $?)"
echo
echo "\$ sntp 127.0.0.1 127.0.0.2"
"$B/sntp" 127.0.0.1 127.0.0.2
echo "(exit status $?)"
exit 0
