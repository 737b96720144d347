#!/bin/sh
# ocf:lvsha:ipvs-sync start/monitor/stop for master and backup against the kernel, each checked with
# `ipvsadm -L --daemon`: idempotency, both roles in one namespace, a daemon with other settings,
# optional multicast settings (IPv4 and IPv6 groups), a missing interface, bad parameters.
. "$(dirname "$0")/lib.sh"
net_setup

# has NS ROLE IF SYNCID [GROUP PORT TTL] — ipvsadm lists exactly this daemon for ROLE
has() {
  line=$(daemons "$1" | grep "^$2 sync daemon") || return 1
  echo "$line" | grep -Eq "^$2 sync daemon \\(mcast=$3, syncid=$4, maxlen=[0-9]+, group=${5:-224.0.0.81}, port=${6:-8848}, ttl=${7:-1}\\)\$" \
    || { echo "# ipvsadm: $line"; return 1; }
}
none() { [ -z "$(daemons "$1" | grep "^$2 sync daemon")" ]; }
M="role=master mcast_interface=sync0 syncid=7"
B="role=backup mcast_interface=sync0 syncid=7"

agent $D1 monitor $M; check "probe before start, master: 7" [ $? = 7 ]
agent $D1 monitor $B; check "probe before start, backup: 7" [ $? = 7 ]
agent $D1 stop $M; check "stop when never started: 0" [ $? = 0 ]

agent $D1 start $M; check "start master: 0" [ $? = 0 ]
check "ipvsadm shows the master daemon (sync0, syncid 7, kernel defaults)" has $D1 master sync0 7
agent $D1 monitor $M; check "monitor master: 0" [ $? = 0 ]
before=$(daemons $D1)
agent $D1 start $M; check "start master again: 0" [ $? = 0 ]
check "second start left the daemon as it was" [ "$(daemons $D1)" = "$before" ]
check "second start said it was already running" grep -q 'is already running' $W/agent.err

agent $D1 start $B; check "start backup in the same namespace: 0" [ $? = 0 ]
check "ipvsadm shows the backup daemon too" has $D1 backup sync0 7
check "master still running" has $D1 master sync0 7
agent $D1 monitor $B; check "monitor backup: 0" [ $? = 0 ]
agent $D1 start $B; check "start backup again: 0" [ $? = 0 ]

agent $D1 stop $M; check "stop master: 0" [ $? = 0 ]
check "master gone" none $D1 master
check "backup untouched by stopping the master" has $D1 backup sync0 7
agent $D1 monitor $M; check "monitor master after stop: 7" [ $? = 7 ]
agent $D1 stop $M; check "stop master again: 0" [ $? = 0 ]
agent $D1 stop $B; check "stop backup: 0" [ $? = 0 ]
check "backup gone" none $D1 backup
agent $D1 stop $B; check "stop backup again: 0" [ $? = 0 ]
agent $D1 monitor $B; check "monitor backup after stop: 7" [ $? = 7 ]

# a daemon with other settings (started by hand, or by another resource): monitor 1, start replaces it
ip netns exec $D1 ipvsadm --start-daemon master --mcast-interface sync0 --syncid 3
agent $D1 monitor $M; check "monitor, master runs with syncid 3: 1" [ $? = 1 ]
check "exit reason names the difference" reason ".*syncid 3 (wanted 7)"
agent $D1 start $M; check "start over it: 0" [ $? = 0 ]
check "now syncid 7" has $D1 master sync0 7
check "start logged the restart" grep -q 'restarting the master sync daemon' $W/agent.err
agent $D1 monitor $M; check "monitor: 0" [ $? = 0 ]
agent $D1 stop $M

# optional settings
O="$M mcast_group=239.1.2.3 mcast_port=9000 mcast_ttl=2 sync_maxlen=1000"
agent $D1 start $O; check "start master with group/port/ttl/maxlen: 0" [ $? = 0 ]
check "ipvsadm shows group 239.1.2.3 port 9000 ttl 2" has $D1 master sync0 7 239.1.2.3 9000 2
agent $D1 monitor $O; check "monitor with the same settings: 0" [ $? = 0 ]
agent $D1 monitor $M; check "monitor expecting the defaults: 1" [ $? = 1 ]
check "reason lists group, port and ttl" reason ".*mcast_group 239.1.2.3 (wanted 224.0.0.81), mcast_port 9000 (wanted 8848), mcast_ttl 2 (wanted 1)"
agent $D1 stop $O; check "stop: 0" [ $? = 0 ]
check "gone" none $D1 master

B6="$B mcast_group=ff02::1:81"
agent $D1 start $B6; check "start backup with an IPv6 group: 0" [ $? = 0 ]
check "ipvsadm shows group ff02::1:81" has $D1 backup sync0 7 ff02::1:81
agent $D1 monitor $B6; check "monitor IPv6 group: 0" [ $? = 0 ]
agent $D1 stop $B6; check "stop: 0" [ $? = 0 ]

# errors
agent $D1 start role=master mcast_interface=nosuch0 syncid=7; rc=$?
check "start on a missing interface: 2 (OCF_ERR_ARGS)" [ $rc = 2 ]
check "reason: interface does not exist" reason "mcast_interface nosuch0 does not exist on this node"
check "nothing left running" none $D1 master
agent $D1 validate-all role=master mcast_interface=sync0 syncid=300; check "validate-all syncid=300: 6" [ $? = 6 ]
check "reason names syncid and the range" reason "parameter syncid: 300 is out of range 0..255"
agent $D1 start role=primary mcast_interface=sync0; check "start role=primary: 6" [ $? = 6 ]
check "reason says master or backup" reason '.*write role=master or role=backup'
agent $D1 validate-all $M OCF_CHECK_LEVEL=10; check "validate-all level 10 on an existing interface: 0" [ $? = 0 ]
check "no daemon after the error cases" [ -z "$(daemons $D1 | grep 'sync daemon')" ]
summary
