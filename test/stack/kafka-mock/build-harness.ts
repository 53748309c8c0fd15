import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { progress, run } from '../process-helper';

/** Flags that keep librdkafka's build small: the mock needs no TLS, SASL or compression libraries. */
const CONFIGURE_FLAGS = [
  '--disable-ssl',
  '--disable-sasl',
  '--disable-zstd',
  '--disable-lz4-ext',
  '--disable-curl',
  '--disable-gssapi',
];

/**
 * The mock keeps at most 5 MiB (and 100,000 message sets) per partition and deletes the oldest data
 * past that, like a tiny `retention.bytes`. A collector that is down for a while (the kill -9 and
 * outage scenarios) then finds its committed offset deleted and loses what it had not consumed, which
 * says nothing about Hindsight. These limits are the test broker's retention, set in its source
 * before the build because the mock has no setting for them; memory is only used by what tests send.
 */
const PARTITION_RETENTION = { maxBytes: 256 * 1024 * 1024, maxMessageSets: 10_000_000 };
const RETENTION_PATCH = {
  file: join('src', 'rdkafka_mock.c'),
  from: 'mpart->max_size = 1024 * 1024 * 5;\n        mpart->max_cnt  = 100000;',
  to: `mpart->max_size = ${PARTITION_RETENTION.maxBytes};\n        mpart->max_cnt  = ${PARTITION_RETENTION.maxMessageSets};`,
};

/** Applies RETENTION_PATCH; fails when the source no longer has the expected line (a new version). */
function patchRetention(srcDir: string): void {
  const file = join(srcDir, RETENTION_PATCH.file);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(RETENTION_PATCH.from)) {
    throw new Error(`${file}: the mock's partition retention line was not found; update RETENTION_PATCH for this librdkafka version`);
  }
  writeFileSync(file, text.replace(RETENTION_PATCH.from, RETENTION_PATCH.to));
}

/** The harness sources; the cache key covers all of them. */
const HARNESS_FILES = ['mock-cluster.c', 'mock-commands.c', 'mock-commands.h'].map((f) => join(__dirname, f));
const HARNESS_C = HARNESS_FILES.filter((f) => f.endsWith('.c'));

const shortHash = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 12);

async function must(what: string, cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, { cwd });
  if (r.code !== 0) {
    const out = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${what} failed (exit ${r.code}) in ${cwd}:\n${out}`);
  }
  return r.stdout;
}

/**
 * Builds librdkafka from the source bundled in the pinned npm package, once per package
 * version and flag set; returns the source folder holding src/librdkafka.a.
 */
async function buildLibrdkafka(cacheDir: string, pkg: string): Promise<string> {
  const dir = join(cacheDir, `librdkafka-${pkg.replace(/[^A-Za-z0-9.]+/g, '_')}-${shortHash(...CONFIGURE_FLAGS, RETENTION_PATCH.to)}`);
  const srcDir = join(dir, 'package', 'deps', 'librdkafka');
  if (existsSync(join(dir, 'build.ok'))) return srcDir;

  const started = Date.now();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  progress(`kafka: fetching ${pkg} (npm pack) for its bundled librdkafka source`);
  await must('npm pack', 'npm', ['pack', pkg, '--silent'], tmp);
  const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${pkg} produced no tarball in ${tmp}`);
  await must('extracting the package', 'tar', ['xzf', tarball, 'package/deps/librdkafka'], tmp);
  rmSync(join(tmp, tarball));
  const tmpSrc = join(tmp, 'package', 'deps', 'librdkafka');
  patchRetention(tmpSrc);
  progress('kafka: configuring librdkafka');
  await must('librdkafka ./configure', './configure', CONFIGURE_FLAGS, tmpSrc);
  progress('kafka: compiling librdkafka (make -j2 libs: 35 s on 2 idle cores, longer when they are busy)');
  await must('librdkafka make', 'make', ['-j2', 'libs'], tmpSrc);
  if (!existsSync(join(tmpSrc, 'src', 'librdkafka.a'))) {
    throw new Error(`librdkafka build left no src/librdkafka.a in ${tmpSrc}`);
  }
  await must('marking the build', 'touch', ['build.ok'], tmp);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  progress(`kafka: librdkafka built in ${((Date.now() - started) / 1000).toFixed(1)} s, cached in ${dir}`);
  return srcDir;
}

/** Libraries librdkafka.a needs at link time, as its configure step recorded them. */
function linkLibraries(srcDir: string): string[] {
  const config = readFileSync(join(srcDir, 'Makefile.config'), 'utf8');
  const libs = /^LIBS\+?=(.*)$/gm;
  const out: string[] = [];
  for (const m of config.matchAll(libs)) out.push(...(m[1] ?? '').trim().split(/\s+/).filter(Boolean));
  return [...new Set([...out, '-lpthread', '-lm', '-ldl'])];
}

/**
 * Path of the mock-cluster harness binary, statically linked against librdkafka.
 * Cached under cacheDir keyed by the package version and the harness source, so a fresh
 * clone on the same machine reuses it and a changed harness rebuilds.
 */
export async function ensureHarness(cacheDir: string, pkg: string): Promise<string> {
  const sources = HARNESS_FILES.map((f) => readFileSync(f, 'utf8'));
  const key = shortHash(pkg, ...CONFIGURE_FLAGS, RETENTION_PATCH.to, ...sources);
  const binDir = join(cacheDir, `mock-cluster-${key}`);
  const bin = join(binDir, 'mock-cluster');
  if (existsSync(bin)) return bin;

  const srcDir = await buildLibrdkafka(cacheDir, pkg);
  const started = Date.now();
  progress('kafka: compiling the mock-cluster harness');
  mkdirSync(binDir, { recursive: true });
  const tmpBin = `${bin}.tmp-${process.pid}`;
  await must(
    'compiling the mock-cluster harness',
    'cc',
    ['-O2', '-Wall', '-o', tmpBin, ...HARNESS_C, `-I${__dirname}`, `-I${join(srcDir, 'src')}`, join(srcDir, 'src', 'librdkafka.a'), ...linkLibraries(srcDir)],
    binDir,
  );
  renameSync(tmpBin, bin);
  progress(`kafka: harness compiled in ${((Date.now() - started) / 1000).toFixed(1)} s: ${bin}`);
  return bin;
}
