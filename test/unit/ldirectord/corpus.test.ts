// The corpus in test/fixtures/ldirectord/NN-name.cf must parse, use only the
// test address ranges, and together use every directive, check type and service.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHECK_TYPES, GLOBAL_DIRECTIVES, SERVICES, VIRTUAL_DIRECTIVES, effectiveConfig, parseLdirectordConfig,
} from '../../../src/ldirectord/config/index.ts';
import { systemResolver } from '../../../src/ldirectord/config/system-resolver.ts';

const dir = join(import.meta.dirname, '../../fixtures/ldirectord');
const files = readdirSync(dir).filter((f) => /^\d\d-[a-z0-9-]+\.cf$/.test(f)).sort();

t.test('corpus covers every directive, check type and service', async (t) => {
  t.ok(files.length >= 25, `${files.length} files`);
  const globals = new Set<string>();
  const virtuals = new Set<string>();
  const checktypes = new Set<string>();
  const services = new Set<string>();
  const extras = new Set<string>();
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    const { config, warnings } = parseLdirectordConfig(text, { file: f, resolver: systemResolver({ hostname: 'testhost' }) });
    const eff = effectiveConfig(config, warnings);
    for (const line of text.split('\n')) {
      if (/^\s*#/.test(line) || !line.trim()) continue;
      const m = /^(\s*)([a-z0-9-]+)/.exec(line);
      if (!m) continue;
      (m[1] ? virtuals : globals).add(m[2]!);
      if (/^supervised\s*$/.test(line)) extras.add('bare supervised');
      if (/^logfile="\//.test(line)) extras.add('logfile path');
      if (/^logfile="[^/]/.test(line)) extras.add('logfile facility');
      if (/->/.test(line)) extras.add('real range');
      if (/^\s+real6?=\S*:[a-z]/.test(line)) extras.add('real port by service name');
      if (/^virtual=\S+:[a-z]/.test(line)) extras.add('virtual port by service name');
      if (/\bl:\d+/.test(line)) extras.add('lower threshold');
      if (/\bu:\d+/.test(line)) extras.add('upper threshold');
      if (/^\s+real.*"\s*[, ]\s*"/.test(line)) extras.add('per-real request/receive');
    }
    for (const v of config.virtuals) {
      checktypes.add(v.checktype);
      services.add(v.service);
      if (v.protocol === 'fwm') extras.add(`fwmark ${v.family}`);
      for (const r of v.reals) extras.add(`forward ${r.forward}`);
    }
    t.same(eff.virtuals.length, config.virtuals.length);
  }
  for (const d of GLOBAL_DIRECTIVES) t.ok(globals.has(d), `global ${d}`);
  for (const d of VIRTUAL_DIRECTIVES) t.ok(virtuals.has(d), `virtual ${d}`);
  for (const c of CHECK_TYPES) t.ok(checktypes.has(c), `checktype ${c}`);
  for (const s of SERVICES) t.ok(services.has(s), `service ${s}`);
  for (const e of ['bare supervised', 'logfile path', 'logfile facility', 'real range', 'real port by service name', 'virtual port by service name',
    'lower threshold', 'upper threshold', 'per-real request/receive', 'fwmark inet', 'fwmark inet6', 'forward gate', 'forward masq', 'forward ipip']) {
    t.ok(extras.has(e), e);
  }
});

t.test('corpus uses only the VM test address ranges and no DNS names', async (t) => {
  for (const f of files) {
    const { config } = parseLdirectordConfig(readFileSync(join(dir, f), 'utf8'), { file: f, resolver: systemResolver({ hostname: 'testhost' }) });
    for (const v of config.virtuals) {
      if (v.address !== undefined) t.match(v.address, /^(10\.90\.0\.\d+|fd00:90::[0-9a-f]+)$/, `${f}: virtual ${v.address}`);
      for (const r of v.reals) t.match(r.address, /^(10\.91\.0\.\d+|fd00:91::[0-9a-f]+)$/, `${f}: real ${r.address}`);
      if (v.fallback) t.match(v.fallback.address, /^(10\.91\.0\.\d+|fd00:91::[0-9a-f]+)$/, `${f}: fallback`);
    }
    for (const fb of [config.global.fallback?.tcp, config.global.fallback6?.tcp]) {
      if (fb) t.match(fb.address, /^(10\.91\.0\.\d+|fd00:91::[0-9a-f]+)$/, `${f}: global fallback`);
    }
  }
});
