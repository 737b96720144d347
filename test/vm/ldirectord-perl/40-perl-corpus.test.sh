#!/bin/sh
# Perl ldirectord (/usr/sbin/ldirectord) vs lvsha on the corpus test/fixtures/ldirectord/*.cf,
# same VM, same real servers: after the first check pass both must leave the same
# `ipvsadm -Ln` table, and the same again after one real server (10.91.0.2) fails.
# All configs run at once (their virtuals are distinct): first every Perl instance
# (foreground -d, PERLIO preset so it does not re-exec), then every lvsha director.
# Copies get checkinterval=1, checktimeout=5, negotiatetimeout=5 as globals (same for both; shorter
# timeouts make checks flap when ~26 Perl processes share two emulated CPUs).
# Not compared, on purpose: 07 (external-perl) and 19 (service oracle), which lvsha refuses
# with a file:line error (asserted below).
. "$(dirname "$0")/../ldirectord/lib.sh"
need perl perl
[ -x /usr/sbin/ldirectord ] || die "Perl ldirectord missing (apt-get install ldirectord)"
FIX=$ROOT/test/fixtures/ldirectord
C=$W/corpus; mkdir -p $C/perl
REFUSED="07-external-check.cf 19-sql.cf"

net_reset
# reals: 10.91.0.0/24 (+ fd00:91::/64) in netns lvsha-ld-rc, except 10.91.0.2 alone in lvsha-ld-r2
sysctl -qw net.ipv4.ip_forward=1 2>/dev/null || echo 1 > /proc/sys/net/ipv4/ip_forward
echo 1 > /proc/sys/net/ipv6/conf/all/forwarding
for i in $(seq 1 30); do ip addr add 10.90.0.$i/32 dev lo; done
ip -6 addr add fd00:90::12/128 dev lo nodad
ip netns add lvsha-ld-rc
ip link add ldrc type veth peer name eth0 netns lvsha-ld-rc
ip addr add 10.91.0.254/24 dev ldrc; ip -6 addr add fd00:91::fe/64 dev ldrc nodad; ip link set ldrc up
ip -n lvsha-ld-rc link set lo up; ip -n lvsha-ld-rc link set eth0 up
for i in 1 3 4 5 6 7 8 9 10 11 12 13 14 15 80 99; do ip -n lvsha-ld-rc addr add 10.91.0.$i/24 dev eth0; done
for i in 1 2 3 99; do ip -n lvsha-ld-rc -6 addr add fd00:91::$i/64 dev eth0 nodad; done
ip -n lvsha-ld-rc route add default via 10.91.0.254
ip -n lvsha-ld-rc -6 route add default via fd00:91::fe
ip netns add lvsha-ld-r2
ip link add ldr2 type veth peer name eth0 netns lvsha-ld-r2
ip addr add 10.91.2.254/32 dev ldr2; ip link set ldr2 up
ip route add 10.91.0.2/32 dev ldr2
ip -n lvsha-ld-r2 link set lo up; ip -n lvsha-ld-r2 addr add 10.91.0.2/32 dev eth0; ip -n lvsha-ld-r2 link set eth0 up
ip -n lvsha-ld-r2 route add default dev eth0
mkdir -p $C/www
printf 'Test Page. It works! Welcome. Example. OK\n' > $C/www/index.html
for f in health status; do echo OK > $C/www/$f; done
echo A-ok > $C/www/a.html; echo B-ok > $C/www/b.html
for p in 80 81 8080; do ip netns exec lvsha-ld-rc busybox httpd -p $p -h $C/www; done
r2_up()   { for p in 80 81 8080; do ip netns exec lvsha-ld-r2 busybox httpd -p $p -h $C/www; done; }
r2_down() { for p in $(ip netns pids lvsha-ld-r2); do kill $p; done; }
r2_up
sleep 1

# corpus copies with short intervals
list=
for f in $(ls $FIX/*.cf | sort); do
  b=$(basename $f)
  case " $REFUSED " in *" $b "*) continue;; esac
  if [ -n "${CORPUS_ONLY:-}" ]; then case " $CORPUS_ONLY " in *" ${b%%-*} "*) ;; *) continue;; esac; fi
  { printf 'checkinterval=1\nchecktimeout=5\nnegotiatetimeout=5\n'
    grep -v -E '^(checkinterval|checktimeout|negotiatetimeout|execute)[[:space:]]*=' $f; } > $C/$b
  list="$list $C/$b"
done
n=$(echo $list | wc -w)
echo "# $n configs compared"
[ -n "${CORPUS_ONLY:-}" ] || check "corpus has at least 25 comparable configs" [ $n -ge 25 ]

# one listing; retried when ipvsadm fails (a netlink dump interrupted by concurrent changes)
snap() {
  for try in 1 2 3 4 5; do
    if ipvsadm -Ln > $C/raw 2> $C/raw.err && [ ! -s $C/raw.err ]; then
      awk 'NR>3 { if ($1=="->") print "  ->",$2,$3,$4; else { $1=$1; print } }' $C/raw; return 0
    fi
    cat $C/raw.err >> $C/ipvsadm-errors; sleep 0.3
  done
  echo "SNAPSHOT-FAILED"
}
# wait until the table is unchanged for $1 s (max $2 s)
settle() {
  quiet=$1; max=$2; last=$(snap); same=0; s0=$(date +%s)
  while [ $(( $(date +%s) - s0 )) -lt $max ]; do
    sleep 1; now=$(snap)
    if [ "$now" = "$last" ]; then same=$((same+1)); [ $same -ge $quiet ] && { echo "# settled in $(( $(date +%s) - s0 ))s"; return 0; }
    else same=0; echo "$now" > $C/last-change; last=$now; fi
  done
  echo "# table still changing after ${max}s"; return 1
}

# ---- Perl ldirectord
T0=$(date +%s)
if [ "${SKIP_PERL:-0}" != 1 ]; then
cd $C/perl
pids=
for f in $list; do
  PERLIO=perlio /usr/sbin/ldirectord -d $f start > $C/perl/$(basename $f).log 2>&1 &
  pids="$pids $!"
done
# A Perl start takes 10-80 s of emulated CPU each, so wait per instance until its first
# check pass is complete: in -d mode every check logs "Checking …: real server=<id>"; the
# pass is done when the first id checked shows up a second time.
perl_pass_done() {
  l=$C/perl/$(basename $1).log
  first=$(grep -m1 'DEBUG2: Checking' $l 2>/dev/null | sed 's/.*real server=//'); [ -n "$first" ] || return 1
  [ "$(grep 'DEBUG2: Checking' $l | grep -cF "$first")" -ge 2 ]
}
all_perl_done() { for f in $list; do perl_pass_done $f || return 1; done; }
wait_for 900 all_perl_done || { echo "# not every Perl instance finished a pass:"; for f in $list; do perl_pass_done $f || echo "#   $(basename $f)"; done; }
settle 6 120
echo "# perl: first pass settled after $(( $(date +%s) - T0 ))s"
snap > $C/perl1
alive=0; for p in $pids; do kill -0 $p 2>/dev/null && alive=$((alive+1)); done
echo "# perl: $alive of $n instances alive, $(grep -c . $C/perl1) table lines"
if [ $alive -lt $n ] || [ ! -s $C/perl1 ]; then
  for f in $list; do b=$(basename $f); echo "# --- perl $b (last lines)"; grep -v 'uninitialized value' $C/perl/$b.log | tail -4 | sed 's/^/#   /'; done
fi
r2_down
settle 6 120
snap > $C/perl2
# stop our Perl instances: TERM (cleanstop), then KILL after 60 s, also their fork=yes children
for p in $pids; do kill $p 2>/dev/null; done
end=$(( $(date +%s) + 60 ))
while [ $(date +%s) -lt $end ]; do left=0; for p in $pids; do kill -0 $p 2>/dev/null && left=1; done; [ $left = 0 ] && break; sleep 1; done
for p in $pids; do kill -9 $p 2>/dev/null; done
for d in /proc/[0-9]*; do grep -q "$C/" $d/cmdline 2>/dev/null && kill -9 ${d#/proc/} 2>/dev/null; done
ipvsadm -C
r2_up; sleep 1
echo "# perl phase: $(( $(date +%s) - T0 ))s"
fi

# ---- lvsha
T1=$(date +%s)
if [ "${SKIP_OURS:-0}" = 1 ]; then summary; exit; fi
cd $ROOT
rm -f $C/ready
$NODE $ROOT/test/vm/ldirectord-perl/corpus-ours.ts $C/ready $list > $C/ours.log 2>&1 &
OURS=$!
check "lvsha: every director applied its first pass" wait_for 300 test -f $C/ready
echo "# lvsha: all first passes applied after $(( $(date +%s) - T1 ))s"
settle 5 120
snap > $C/ours1
r2_down
settle 5 120
snap > $C/ours2
kill $OURS; wait $OURS; echo "# lvsha stopped after $(( $(date +%s) - T1 ))s"
echo "# lvsha phase: $(( $(date +%s) - T1 ))s"

if diff -u $C/perl1 $C/ours1 > $C/diff1; then ok "same ipvsadm -Ln after the first pass ($(grep -c . $C/ours1) lines)"
else fail "same ipvsadm -Ln after the first pass"; sed 's/^/# /' $C/diff1; fi
if diff -u $C/perl2 $C/ours2 > $C/diff2; then ok "same ipvsadm -Ln after 10.91.0.2 failed ($(grep -c . $C/ours2) lines)"
else fail "same ipvsadm -Ln after 10.91.0.2 failed"; sed 's/^/# /' $C/diff2; fi
check "failing 10.91.0.2 changed the table" sh -c "! diff -q $C/ours1 $C/ours2 >/dev/null"

for b in $REFUSED; do
  out=$($LD $FIX/$b start 2>&1); rc=$?
  check "lvsha refuses $b with exit 2 and file:line ($(echo "$out" | head -1 | cut -c1-100))" sh -c "[ $rc = 2 ] && echo '$out' | grep -q '$b:[0-9]'"
done
[ -s $C/ipvsadm-errors ] && { echo "# ipvsadm -Ln errors seen:"; sort $C/ipvsadm-errors | uniq -c | head -5 | sed 's/^/#   /'; }
echo "# --- lvsha table after the first pass"; sed 's/^/# /' $C/ours1
summary
