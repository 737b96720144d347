// Helpers for integration tests: temp dirs, free loopback ports, daemons we start and stop by PID.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function tempDir(tag: string): string {
  return mkdtempSync(path.join(tmpdir(), `lvsha-chk-${tag}-`));
}

/** A free TCP (and UDP) port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const u = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((r) => { u.once('error', () => r(false)); u.bind(port, '127.0.0.1', () => r(true)); });
    try { u.close(); } catch { /* not bound */ }
    if (ok) return port;
  }
  throw new Error('no free port');
}

export function need(bin: string, pkg: string): string {
  const found = [bin, `/usr/sbin/${bin}`, `/usr/bin/${bin}`, `/sbin/${bin}`].find((p) => p.startsWith('/') && existsSync(p));
  if (!found) throw new Error(`${bin} not found: apt-get install ${pkg} (or run test/check/install.sh)`);
  return found;
}

export interface Daemon { name: string; child: ChildProcess; log: string; stop(): Promise<void> }

/** Starts a foreground daemon; its output goes to `log`. stop() signals only this PID (and waits). */
export function startDaemon(name: string, cmd: string, args: string[], opts: { cwd?: string; log: string; env?: NodeJS.ProcessEnv; uid?: number; gid?: number }): Daemon {
  const fd = openSync(opts.log, 'a');
  const o: Parameters<typeof spawn>[2] = { stdio: ['ignore', fd, fd], env: opts.env ?? process.env };
  if (opts.cwd) o.cwd = opts.cwd;
  if (opts.uid !== undefined) o.uid = opts.uid;
  if (opts.gid !== undefined) o.gid = opts.gid;
  const child = spawn(cmd, args, o);
  child.on('error', () => {});
  return {
    name, child, log: opts.log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Stops a daemon that forked away from us, by the PID it wrote (still only our own daemon). */
export async function stopPidFile(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!(pid > 1)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 100; i++) {
    try { process.kill(pid, 0); } catch { return; }
    await new Promise((r) => setTimeout(r, 50));
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

export async function waitTcp(port: number, d: Daemon | undefined, timeoutMs = 20000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (d && d.child.exitCode !== null) throw new Error(`${d.name} exited ${d.child.exitCode}: ${tail(d.log)}`);
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${d?.name ?? 'daemon'} did not listen on 127.0.0.1:${port}: ${d ? tail(d.log) : ''}`);
}

export function tail(file: string, n = 15): string {
  try { return readFileSync(file, 'utf8').split('\n').slice(-n).join('\n'); } catch { return ''; }
}

export function selfSignedFiles(dir: string, cn = 'real.example'): { key: string; cert: string } {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${cn}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key, cert };
}

export function userIds(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`user ${name} missing`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}
