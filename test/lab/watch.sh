#!/bin/bash
# Per-director state watcher, bash builtins only (an exec costs ~50 ms under TCG; seed-lab NOTES problems 2-3).
# Run inside a director's netns:  nsenter --net=/run/netns/NS watch.sh LOG PERIOD_S VIP GW R1 R2 R3 [MAXSECONDS]
# Appends "<epoch_ms> vip=0|1 gw=0|1 svc=0|1 r1=W|- r2=W|- r3=W|-" to LOG whenever the state changes.
# vip/gw: address is local (from /proc/net/fib_trie); svc: virtual service VIP:80 in /proc/net/ip_vs;
# rN: weight of real N in that service ("-" = absent). Bounded: exits after MAXSECONDS (default 3600).
LOG=$1 PERIOD=$2 VIP=$3 GW=$4
shift 4
REALS=("$1" "$2" "$3")
MAX=${4:-3600}
hex() { local IFS=.; set -- $1; printf -v H '%02X%02X%02X%02X' "$1" "$2" "$3" "$4"; }
hex "$VIP"; SVC="TCP  $H:0050"
RH=(); for r in "${REALS[@]}"; do hex "$r"; RH+=("$H:0050"); done
f=/tmp/.lab-watch.$$; mkfifo "$f"; exec {SL}<>"$f"; rm -f "$f" # read -t on a FIFO = sleep without fork
set -f
end=$(( ${EPOCHREALTIME%.*} + MAX ))
prev=
while (( ${EPOCHREALTIME%.*} < end )); do
	mapfile -t F </proc/net/fib_trie
	all=" ${F[*]} "
	v=0; [[ $all == *"-- $VIP "* ]] && v=1
	g=0; [[ $all == *"-- $GW "* ]] && g=1
	s=0; w=(- - -)
	if [[ -r /proc/net/ip_vs ]]; then
		mapfile -t I </proc/net/ip_vs
		in=0
		for l in "${I[@]}"; do
			if [[ $l == TCP* || $l == UDP* || $l == FWM* ]]; then
				in=0; [[ $l == "$SVC"* ]] && { in=1; s=1; }
			elif ((in)) && [[ $l == *"->"* ]]; then
				x=($l) # "-> ADDR:PORT Forward Weight ActiveConn InActConn"
				for i in 0 1 2; do [[ ${x[1]} == "${RH[$i]}" ]] && w[$i]=${x[3]}; done
			fi
		done
	fi
	st="vip=$v gw=$g svc=$s r1=${w[0]} r2=${w[1]} r3=${w[2]}"
	if [[ $st != "$prev" ]]; then
		t=${EPOCHREALTIME/./}
		printf '%s %s\n' "${t:0:13}" "$st" >>"$LOG"
		prev=$st
	fi
	read -t "$PERIOD" -u "$SL" _
done
