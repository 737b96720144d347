#!/bin/sh
# SIGKILL of the daemon under client load loses no request (the kernel keeps the table);
# a restarted daemon adopts the table without flapping weights; the OCF agent's
# start/monitor/stop/reload/validate-all; missing ip_vs → OCF_ERR_INSTALLED.
. "$(dirname "$0")/../ldirectord/lib.sh"
net_setup 2; httpd_start 1; httpd_start 2
CF=$W/agent.cf
VS="TCP 10.90.0.1:80"
# No real fails here, so a failed check would be a false alarm: checktimeout (10 s) is far
# above what a busybox httpd answer takes even on a loaded host under emulation, where a 2 s
# timeout has expired (failurecount=1 would then change the weights these checks watch).
cat > $CF <<CF
checktimeout=10
checkinterval=1
failurecount=1
logfile="$W/agent.log"
virtual=10.90.0.1:80
	real=10.91.1.1:80 masq 1
	real=10.91.2.1:80 masq 2
	service=http
	request="health.html"
	receive="ok"
CF
export OCF_ROOT=/usr/lib/ocf OCF_RESKEY_configfile=$CF OCF_RESKEY_CRM_meta_timeout=180000 OCF_RESOURCE_INSTANCE=ld
agent() { $AGENT "$@" 2>$W/agent.err; rc=$?; [ -s $W/agent.err ] && sed 's/^/#   agent: /' $W/agent.err; return $rc; }
both_up() { [ "$(weight "$VS" 10.91.1.1:80)/$(weight "$VS" 10.91.2.1:80)" = 1/2 ]; }

agent monitor; check "probe before start: 7" [ $? = 7 ]
agent start; check "agent start: 0 (returns after the first applied pass)" [ $? = 0 ]
check "table built by the time start returned" both_up
agent monitor; check "monitor: 0" [ $? = 0 ]
OCF_CHECK_LEVEL=10 agent monitor; check "monitor depth 10: 0" [ $? = 0 ]

# client load through the VIP while the daemon is SIGKILLed. A missing table would refuse
# the connection at once; -T 10 only bounds a slow answer under emulation.
: > $W/load.log
( i=0; while [ $i -lt 40 ]; do
    if ip netns exec lvsha-ld-c wget -q -T 10 -t 1 -O - http://10.90.0.1/index.html >/dev/null 2>&1; then echo ok; else echo FAIL; fi
    i=$((i+1)); done >> $W/load.log ) &
LOADPID=$!
sleep 2
pid=$(cat $LVSHA_PID_DIR/ldirectord.agent.cf.pid)
kill -9 "$pid"; echo "# SIGKILLed daemon $pid"
wait $LOADPID
check "SIGKILL under load: 40 requests, none failed" [ "$(grep -c '^ok$' $W/load.log)" = 40 ]
check "table survived the daemon" both_up
agent monitor; check "monitor after SIGKILL: 7 (stale pid)" [ $? = 7 ]

# restart adopts: sample weights while it starts; no flap, no IPVS change logged
mark=$(wc -l < $W/agent.log)
rm -f $W/stop-sampler
( while [ ! -f $W/stop-sampler ]; do echo "$(weight "$VS" 10.91.1.1:80)/$(weight "$VS" 10.91.2.1:80)"; sleep 0.1; done > $W/samples ) &
SAMPLER=$!
agent start; check "agent start after SIGKILL: 0" [ $? = 0 ]
touch $W/stop-sampler; wait $SAMPLER
check "weights never changed during adoption ($(sort -u $W/samples | tr '\n' ' '))" [ "$(sort -u $W/samples)" = 1/2 ]
check "adoption logged no IPVS change" [ "$(tail -n +$((mark+1)) $W/agent.log | grep -c 'Added real\|Deleted real\|Quiescent\|Restored')" = 0 ]

# drift behind our back: depth-10 monitor tolerates what the daemon repairs within an interval
ipvsadm -e -t 10.90.0.1:80 -r 10.91.2.1:80 -m -w 7
OCF_CHECK_LEVEL=10 agent monitor; check "monitor depth 10 after a repaired change: 0" [ $? = 0 ]
check "weight restored" both_up

agent reload; check "reload: 0" [ $? = 0 ]
check "reload logged" wait_for 10 grep -q "Reloaded configuration" $W/agent.log

agent stop; check "stop: 0" [ $? = 0 ]
agent monitor; check "monitor after stop: 7" [ $? = 7 ]
agent stop; check "stop when stopped: 0" [ $? = 0 ]
check "cleanstop: virtual removed" sh -c "! ipvsadm -Ln | grep -q 10.90.0.1:80"

# validate-all
printf 'checkinterval=1\nvirtual=10.90.0.1:80\n\treal=10.91.1.1:80 masq\n\tchecktype=bogus\n' > $W/bad.cf
OCF_RESKEY_configfile=$W/bad.cf agent validate-all; rc=$?
check "validate-all on a broken file: 6" [ $rc = 6 ]
check "exit reason names file:line" grep -q "ocf-exit-reason:.*bad.cf:4" $W/agent.err
OCF_RESKEY_configfile=$W/none.cf agent validate-all; check "validate-all, missing file: 5" [ $? = 5 ]
OCF_RESKEY_configfile=$W/none.cf agent monitor; check "monitor, missing file, not running: 7" [ $? = 7 ]
OCF_RESKEY_configfile=$W/none.cf agent stop; check "stop, missing file: 0" [ $? = 0 ]

# no ip_vs: unload it and forbid autoloading
ipvsadm -C
for m in $(busybox lsmod | awk '/^ip_vs_/ {print $1}') ip_vs; do busybox rmmod $m 2>/dev/null; done
echo /bin/false > /proc/sys/kernel/modprobe
if [ -e /proc/net/ip_vs ]; then fail "could not unload ip_vs for the ERR_INSTALLED case"; else
  agent start; rc=$?
  check "start without ip_vs: 5 (OCF_ERR_INSTALLED)" [ $rc = 5 ]
  check "reason says modprobe ip_vs" grep -q "ocf-exit-reason:ip_vs is not loaded: modprobe ip_vs" $W/agent.err
fi
echo /.vm/bin/modprobe > /proc/sys/kernel/modprobe
summary
