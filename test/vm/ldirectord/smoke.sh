#!/bin/sh
# Quick end-to-end: daemonised start, first pass, a real failing and healing.
. "$(dirname "$0")/lib.sh"
net_setup 2; httpd_start 1; httpd_start 2
cat > $W/smoke.cf <<CF
checktimeout=2
checkinterval=1
failurecount=2
logfile="$W/smoke.log"
virtual=10.90.0.1:80
	real=10.91.1.1:80 masq 1
	real=10.91.2.1:80 masq 2
	service=http
	request="health.html"
	receive="ok"
	scheduler=wrr
CF
$LD $W/smoke.cf start; echo "start rc=$?"
ld_first_pass smoke.cf 30 || fail "first pass"
table
$LD $W/smoke.cf status; echo "status rc=$?"
httpd_stop 2
wait_for 8 w_is "TCP 10.90.0.1:80" 10.91.2.1:80 absent && ok "failed real removed" || fail "failed real removed"
table
httpd_start 2
wait_for 8 w_is "TCP 10.90.0.1:80" 10.91.2.1:80 2 && ok "healed real back" || fail "healed real back"
$LD $W/smoke.cf stop; echo "stop rc=$?"
table
cat $W/smoke.log
summary
