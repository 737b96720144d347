#!/bin/sh
# One lvsha director (daemonised CLI) against real kernel IPVS and busybox httpd reals:
# failure detection bound, healing, maintenancedir, fallback + fallbackcommand,
# autoreload into quiescent, readdquiescent, a broken reload, `ipvsadm -C` repair, clean stop.
. "$(dirname "$0")/lib.sh"
net_setup 3
httpd_start 1; httpd_start 2
echo "sorry" > $W/www3/index.html; httpd_start 3
mkdir -p $W/maint
cat > $W/fb.sh <<SH
#!/bin/sh
echo "\$*" >> $W/fb.log
SH
chmod +x $W/fb.sh
CF=$W/feat.cf
VS="TCP 10.90.0.1:80"
write_cf() { # write_cf QUIESCENT READD
  cat > $CF.tmp <<CF
checktimeout=1
checkinterval=1
failurecount=2
autoreload=yes
quiescent=$1
readdquiescent=$2
logfile="$W/feat.log"
maintenancedir=$W/maint
fallback=10.91.3.1:80 masq
fallbackcommand="$W/fb.sh"
virtual=10.90.0.1:80
	real=10.91.1.1:80 masq 1
	real=10.91.2.1:80 masq 2
	service=http
	request="health.html"
	receive="ok"
	scheduler=wrr
CF
  mv $CF.tmp $CF
}
reloaded() { [ "$(grep -c 'Reloaded configuration' $W/feat.log)" -ge "$1" ]; }
write_cf no no

$LD $CF start; check "daemonised start returns 0" [ $? = 0 ]
check "first pass applied (status file)" ld_first_pass feat.cf 60
both_up() { [ "$(weight "$VS" 10.91.1.1:80)/$(weight "$VS" 10.91.2.1:80)" = 1/2 ]; }
# (a 1 s check may time out once on a loaded emulated VM; the next pass must fix it)
check "both reals up with their weights" wait_for 10 both_up
check "no fallback while reals are up" w_is "$VS" 10.91.3.1:80 absent
out=$($LD $CF status 2>&1); rc=$?
check "status exit 0 while running" [ $rc = 0 ]
echo "$out" | sed 's/^/# /'
check "status lists every real with health and weight" sh -c "echo '$out' | grep -q '10.91.2.1:80 *up *weight 2/2'"

# failure: bound = checkinterval x failurecount + checktimeout = 3 s (+ emulation slack)
httpd_stop 2; t0=$(date +%s)
wait_for 15 w_is "$VS" 10.91.2.1:80 absent; took=$(( $(date +%s) - t0 ))
echo "# failed real left after ${took}s (bound 3 s + slack)"
check "failed real removed (quiescent=no) within bound" [ "$(weight "$VS" 10.91.2.1:80)" = absent -a $took -le 8 ]
check "other real untouched" w_is "$VS" 10.91.1.1:80 1
httpd_start 2
check "healed real returns" wait_for 10 w_is "$VS" 10.91.2.1:80 2

# maintenance: ip:port file, then bare ip file
touch $W/maint/10.91.1.1:80
check "maintenance file ip:port takes the real out" wait_for 8 w_is "$VS" 10.91.1.1:80 absent
rm $W/maint/10.91.1.1:80
check "removing it brings the real back" wait_for 8 w_is "$VS" 10.91.1.1:80 1
touch $W/maint/10.91.1.1
check "maintenance file ip takes the real out" wait_for 8 w_is "$VS" 10.91.1.1:80 absent
rm $W/maint/10.91.1.1
check "and back" wait_for 8 w_is "$VS" 10.91.1.1:80 1

# fallback + fallbackcommand
: > $W/fb.log
httpd_stop 1; httpd_stop 2
check "fallback added when no real is up" wait_for 12 w_is "$VS" 10.91.3.1:80 1
check "reals gone" sh -c "[ '$(weight "$VS" 10.91.1.1:80)$(weight "$VS" 10.91.2.1:80)' = absentabsent ]"
body=$(ip netns exec lvsha-ld-c wget -q -T 3 -t 1 -O - http://10.90.0.1/index.html 2>&1)
check "client through the VIP reaches the sorry server" [ "$body" = sorry ]
sleep 2
check "fallbackcommand start ran exactly once" [ "$(cat $W/fb.log)" = "start 10.90.0.1:80 tcp" ]
httpd_start 1
check "fallback removed when a real returns" wait_for 10 w_is "$VS" 10.91.3.1:80 absent
check "fallbackcommand stop once" wait_for 5 sh -c "[ \"\$(tr '\n' ',' < $W/fb.log)\" = 'start 10.90.0.1:80 tcp,stop 10.90.0.1:80 tcp,' ]"
httpd_start 2
check "both back" wait_for 10 w_is "$VS" 10.91.2.1:80 2

# autoreload into quiescent=yes
sleep 1; write_cf yes no
check "autoreload picked up the change" wait_for 10 reloaded 1
httpd_stop 2
check "quiescent=yes: failed real stays with weight 0" wait_for 10 w_is "$VS" 10.91.2.1:80 0
# readdquiescent=no: an admin-removed quiesced real stays removed
ipvsadm -d -t 10.90.0.1:80 -r 10.91.2.1:80
sleep 3
check "readdquiescent=no: deleted quiesced real not re-added" w_is "$VS" 10.91.2.1:80 absent
write_cf yes yes
check "readdquiescent=yes: re-added with weight 0" wait_for 10 w_is "$VS" 10.91.2.1:80 0
httpd_start 2
check "quiesced real restored to its weight" wait_for 10 w_is "$VS" 10.91.2.1:80 2

# broken config: keep running with the old one, log file:line
before=$(table)
printf 'checkinterval=1\nautoreload=yes\nlogfile="%s"\nvirtual=10.90.0.1:80\n\treal=10.91.1.1:80 masq\n\tbogus=1\n' "$W/feat.log" > $CF
check "broken reload is logged with file:line" wait_for 10 grep -q "feat.cf:6" $W/feat.log
check "daemon still running" sh -c "$LD $CF status >/dev/null 2>&1"
sleep 2
check "table unchanged after a broken reload" [ "$(table)" = "$before" ]
write_cf no no
check "fixed file reloads" wait_for 10 reloaded 3

# drift: ipvsadm -C behind its back
ipvsadm -C
check "ipvsadm -C repaired within one interval" wait_for 6 both_up

$LD $CF stop; rc=$?
check "stop exit 0" [ $rc = 0 ]
check "cleanstop removed the virtual" sh -c "! ipvsadm -Ln | grep -q 10.90.0.1:80"
$LD $CF status >/dev/null 2>&1; rc=$?
check "status after stop: 3" [ $rc = 3 ]
echo "# --- daemon log"; sed 's/^/# /' $W/feat.log | tail -60
summary
