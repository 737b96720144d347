#!/usr/bin/perl
# perl-many.pl LOGDIR CONFIG...
# Starts one Perl ldirectord per CONFIG, each as if by
#   PERLIO=perlio setsid /usr/sbin/ldirectord -d CONFIG start > LOGDIR/<basename>.log 2>&1 &
# but compiles the Perl modules ldirectord loads only once, then forks: under TCG emulation
# one Perl ldirectord start costs ~5 s of CPU in module compilation alone, 26 at once most
# of the Perl phase. Every child runs the unchanged /usr/sbin/ldirectord (`do`), in its own
# session/process group (so the caller can kill an instance with its fork=yes children:
# kill -9 -PID), stdin /dev/null. Prints "PID CONFIG" per instance and returns.
# PERL_MANY_WAIT=FILE: after compiling, wait (at most 300 s) for FILE to be non-empty before
# forking (the real servers' ready file: they start while Perl compiles).
use strict;
use warnings;
use POSIX ();

my ($logdir, @cfgs) = @ARGV;
die "usage: $0 LOGDIR CONFIG...\n" unless defined $logdir && @cfgs;
my $script = $ENV{LDIRECTORD} || '/usr/sbin/ldirectord';

# What ldirectord `use`s at compile time (every instance loads these) ...
require Getopt::Long; require Pod::Usage; require Socket; require Socket6; require Sys::Hostname;
require Sys::Syslog; require LWP::UserAgent; require LWP::Debug; require Net::HTTP; require URI;
require IO::Socket; require IO::Socket::INET6; require IO::Select; require Net::Ping;
require Digest::MD5; require Net::SMTP; require Mail::Send;
# ... and what its checks, and the modules they use, `require` on first use (%INC after one check
# of every service). Not only for speed: a require that the check's alarm interrupts fails for the
# life of the process (Perl caches the failure in %INC), e.g. LWP's lazy HTML::HeadParser on the
# first text/html reply under 02's negotiatetimeout=4: every later HTTPS check of that instance
# died "Compilation failed in require". Not Net::INET6Glue::INET_is_INET6: it rewires
# IO::Socket::INET process-wide, ldirectord loads it only for IPv6 HTTP checks.
for my $m (qw(LWP::Protocol::http LWP::Protocol::https IO::Socket::SSL Net::DNS Net::FTP DBI DBD::mysql DBD::Pg
              Mail::POP3Client Net::IMAP::Simple Net::IMAP::Simple::SSL Net::LDAP Authen::Radius
              HTML::HeadParser HTML::Parser HTML::Entities HTTP::Config URI::http URI::https Net::HTTPS Regexp::IPv6
              IO::Uncompress::Gunzip IO::Uncompress::RawInflate IO::Uncompress::Inflate Compress::Raw::Zlib File::Glob
              Net::FTP::I Net::FTP::dataconn Net::IMAP::Simple::PipeSocket Net::DNS::Resolver IPC::Open3
              DBI::Const::GetInfoType Tie::Handle version Net::DNS::RR::A Net::DNS::RR::AAAA Net::DNS::RR::OPT
              Net::DNS::Text)) {
	eval "require $m; 1" or warn "perl-many: $m: $@";
}
# Net::SSLeay's autoloaded sub that IO::Socket::SSL's first write compiles
eval { require 'auto/Net/SSLeay/ssl_write_all.al'; 1 } or warn "perl-many: ssl_write_all.al: $@";

if (my $gate = $ENV{PERL_MANY_WAIT}) {
	my $end = time + 300;
	select(undef, undef, undef, 0.2) until -s $gate || time > $end;
}

$ENV{PERLIO} = 'perlio';   # ldirectord re-execs itself to set this; preset, it does not
$| = 1;
for my $cfg (@cfgs) {
	my $pid = fork;
	die "perl-many: fork: $!\n" unless defined $pid;
	if ($pid == 0) {
		POSIX::setsid();
		(my $base = $cfg) =~ s{.*/}{};
		open(STDIN, '<', '/dev/null') or die "stdin: $!";
		open(STDOUT, '>', "$logdir/$base.log") or die "$logdir/$base.log: $!";
		open(STDERR, '>&', \*STDOUT) or die "stderr: $!";
		@ARGV = ('-d', $cfg, 'start');
		$0 = $script;   # as exec'd: ldirectord logs "invoked as: $0 @ARGV"
		do $script;
		print STDERR "perl-many: $script: $@\n" if $@;
		POSIX::_exit($@ ? 1 : 0);
	}
	print "$pid $cfg\n";
}
exit 0;
