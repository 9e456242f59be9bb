#!/bin/sh
# Install the peers the benchmark compares against, without letting any
# of them start a service (tests/deps.sh forbids service starts): chrony
# (for chronyd -Q, installed for the tests already), ntpsec-ntpdate
# (ntpdig), GNU time (peak RSS, CPU time).
set -eu
exec sh "$(dirname "$0")/../tests/deps.sh" ntpsec-ntpdate time
