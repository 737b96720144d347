#!/bin/sh
# Connection sync between two directors: master (agent, role=master) in lvsha-sync-d1, backup (agent,
# role=backup) in lvsha-sync-d2, over the sync0 veth pair. A client connects through d1 (NAT service
# VIP 10.77.9.1:80 -> real server 10.77.2.2:80) and keeps the connection open; the backup director's
# connection table (ipvsadm -Lnc in d2) must then hold the same client -> VIP -> real server entry,
# and after a failover (d2 takes the links and the VIP) the same TCP connection goes on in both directions.
#   lvsha-sync-cl 10.77.1.2 —veth— 10.77.1.1 d1 10.77.2.1 —veth— 10.77.2.2 lvsha-sync-rs
#                                   d1 10.77.0.1 —sync0— 10.77.0.2 d2
. "$(dirname "$0")/lib.sh"
net_setup
VIP=10.77.9.1
set -e
ip netns add $CL; ip netns add $RS
ip -n $D1 link add cl0 type veth peer name eth0 netns $CL
ip -n $D1 link add rs0 type veth peer name eth0 netns $RS
ip -n $D1 addr add 10.77.1.1/24 dev cl0; ip -n $D1 link set cl0 up
ip -n $D1 addr add 10.77.2.1/24 dev rs0; ip -n $D1 link set rs0 up
ip -n $D1 addr add $VIP/32 dev lo
ip netns exec $D1 sysctl -qw net.ipv4.ip_forward=1
for ns in $CL $RS; do ip -n $ns link set lo up; ip -n $ns link set eth0 up; done
ip -n $CL addr add 10.77.1.2/24 dev eth0; ip -n $CL route add default via 10.77.1.1
ip -n $RS addr add 10.77.2.2/24 dev eth0; ip -n $RS route add default via 10.77.2.1
# the same virtual service on both directors, as the director agent would program it
for ns in $D1 $D2; do
  ip netns exec $ns ipvsadm -A -t $VIP:80 -s rr
  ip netns exec $ns ipvsadm -a -t $VIP:80 -r 10.77.2.2:80 -m
done
set +e

agent $D1 start role=master mcast_interface=sync0 syncid=7; check "master started in d1" [ $? = 0 ]
agent $D2 start role=backup mcast_interface=sync0 syncid=7; check "backup started in d2" [ $? = 0 ]
echo "# d1: $(daemons $D1)"; echo "# d2: $(daemons $D2)"

# a long-lived connection: the real server holds it open, the client sends a line a second
rm -f $W/pong $W/rs.got $W/cl.got
# the real server answers "pong" once $W/pong exists (after the failover below)
ip netns exec $RS sh -c "(i=0; while [ ! -e $W/pong ] && [ \$i -lt 300 ]; do sleep 0.3; i=\$((i+1)); done; echo pong; sleep 60) | busybox nc -l -p 80 > $W/rs.got" &
listening() { ip netns exec $RS cat /proc/net/tcp /proc/net/tcp6 | grep -Eq ':0050 0+:0000 0A'; }  # busybox nc may listen on [::]
wait_for 20 listening || fail "the real server's nc does not listen on :80"
ip netns exec $CL sh -c "(n=1; while [ \$n -le 90 ]; do echo line\$n; n=\$((n+1)); sleep 1; done) | busybox nc $VIP 80 > $W/cl.got" &

entry="10\\.77\\.1\\.2:[0-9]+ +$VIP:80 +10\\.77\\.2\\.2:80"
conn() { ip netns exec "$1" ipvsadm -Lnc | grep -E "^TCP .* ESTABLISHED +$entry"; }
wait_for 20 conn $D1
check "master director d1 has the connection (client -> VIP -> real server)" conn $D1
# the master sends after 3 packets of an established connection, flushing at least every 2 s
wait_for 30 conn $D2
echo "# d1 ipvsadm -Lnc:"; ip netns exec $D1 ipvsadm -Lnc | sed 's/^/#   /'
echo "# d2 ipvsadm -Lnc:"; ip netns exec $D2 ipvsadm -Lnc | sed 's/^/#   /'
check "backup director d2 received the same connection entry through the sync daemon" conn $D2
c1=$(conn $D1 | awk '{print $4}'); c2=$(conn $D2 | awk '{print $4}')
echo "# client address:port in d1: $c1, in d2: $c2"
check "same client address:port on both directors" [ -n "$c1" -a "$c1" = "$c2" ]
echo "# real server got: $(cat $W/rs.got 2>/dev/null | tr '\n' ' ')"
check "the real server got the client's data through the VIP" grep -q line1 $W/rs.got

# failover: d2 takes over the client and real-server links (the same veth ends, moved with their
# MAC addresses, as a switch would re-learn them) and the VIP. The connection must go on through d2:
# without the synced entry d2 would answer the next segment with a reset (no SYN, nothing listens).
last() { tail -n 1 $W/rs.got | sed -n 's/^line//p'; }
before=$(last)
set -e
ip -n $D1 link set cl0 netns $D2; ip -n $D1 link set rs0 netns $D2; ip -n $D1 addr del $VIP/32 dev lo
ip -n $D2 addr add 10.77.1.1/24 dev cl0; ip -n $D2 link set cl0 up
ip -n $D2 addr add 10.77.2.1/24 dev rs0; ip -n $D2 link set rs0 up
ip -n $D2 addr add $VIP/32 dev lo
ip netns exec $D2 sysctl -qw net.ipv4.ip_forward=1
set +e
echo "# failover done after client line $before"
grows() { [ "$(last)" -gt "$before" ] 2>/dev/null && [ "$(last)" -gt $((before + 2)) ]; }
check "client -> real server continues through d2 after the failover (lines after $before arrive)" wait_for 30 grows
touch $W/pong
check "real server -> client continues through d2 (NAT back to the VIP): the client got pong" wait_for 30 grep -q pong $W/cl.got
echo "# d2 ipvsadm -Lnc after failover:"; ip netns exec $D2 ipvsadm -Lnc | sed 's/^/#   /'
check "d2 holds the connection, established" conn $D2

# with the backup stopped, nothing more arrives there; the agent's stop is clean while connections exist
agent $D2 stop role=backup mcast_interface=sync0 syncid=7; check "backup stop with synced connections: 0" [ $? = 0 ]
agent $D1 stop role=master mcast_interface=sync0 syncid=7; check "master stop under traffic: 0" [ $? = 0 ]
check "no daemons left" [ -z "$(daemons $D1; daemons $D2)" ]
summary
