#!/bin/bash
# Namespace topology shared by the IPaddr2 namespace tests.
#   lvsha-ip-<tag>-peer: eth0 10.9.0.254/24 2001:db8:9::fe/64, eth1 10.9.1.254/24
#   lvsha-ip-<tag>:      eth0 10.9.0.1/24  2001:db8:9::1/64 (veth to peer eth0),
#                        eth1 10.9.1.1/24 (veth to peer eth1), lo up
# usage: topo.sh up TAG | down TAG
set -euo pipefail
cmd=${1:?up|down}; tag=${2:?tag}
ns=lvsha-ip-$tag; peer=lvsha-ip-$tag-peer
case $cmd in
up)
  ip netns del "$ns" 2>/dev/null || true; ip netns del "$peer" 2>/dev/null || true
  ip netns add "$ns"; ip netns add "$peer"
  for i in 0 1; do
    ip -n "$ns" link add eth$i type veth peer name p$i netns "$peer"
    ip -n "$peer" link set p$i name eth$i
  done
  # no DAD on the fixed addresses so the topology is usable at once
  for n in "$ns" "$peer"; do
    ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip netns exec "$n" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth1.accept_dad=0
  done
  ip -n "$ns" addr add 10.9.0.1/24 brd + dev eth0
  ip -n "$ns" addr add 2001:db8:9::1/64 dev eth0
  ip -n "$ns" addr add 10.9.1.1/24 brd + dev eth1
  ip -n "$peer" addr add 10.9.0.254/24 brd + dev eth0
  ip -n "$peer" addr add 2001:db8:9::fe/64 dev eth0
  ip -n "$peer" addr add 10.9.1.254/24 brd + dev eth1
  for n in "$ns" "$peer"; do
    ip -n "$n" link set lo up; ip -n "$n" link set eth0 up; ip -n "$n" link set eth1 up
  done
  # DAD on for addresses the agents add (per-interface setting used by new addresses)
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth0.accept_dad=1 net.ipv6.conf.eth1.accept_dad=1
  ;;
down)
  ip netns del "$ns" 2>/dev/null || true; ip netns del "$peer" 2>/dev/null || true
  ;;
esac
