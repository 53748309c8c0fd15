import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PG_BIN } from './components/postgres';
import { isRoot, progress, run } from './process-helper';

/** A program the stack needs and the Debian package that provides it. */
interface Requirement {
  program: string;
  debianPackage: string;
}

const REQUIREMENTS: Requirement[] = [
  { program: join(PG_BIN, 'postgres'), debianPackage: 'postgresql' },
  { program: 'clickhouse-server', debianPackage: 'clickhouse-server' },
  { program: 'clickhouse-client', debianPackage: 'clickhouse-client' },
  { program: 'prometheus', debianPackage: 'prometheus' },
  { program: 'kcat', debianPackage: 'kcat' },
  { program: 'docker-compose', debianPackage: 'docker-compose' },
  // Building librdkafka and the mock-cluster harness.
  { program: 'cc', debianPackage: 'gcc' },
  { program: 'make', debianPackage: 'make' },
];

function found(program: string): boolean {
  const candidates = program.includes('/')
    ? [program]
    : (process.env.PATH ?? '').split(delimiter).concat('/usr/sbin', '/sbin').map((d) => join(d, program));
  return candidates.some((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Makes sure every program the stack runs is installed: installs the missing Debian
 * packages when running as root, else throws naming the packages to install.
 */
export async function ensurePackages(): Promise<void> {
  const missing = [...new Set(REQUIREMENTS.filter((r) => !found(r.program)).map((r) => r.debianPackage))];
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (!isRoot()) {
    throw new Error(`missing Debian packages: ${missing.join(', ')}; install them with: sudo sh -c '${cmd}'`);
  }
  progress(`installing missing Debian packages: ${missing.join(' ')}`);
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const r = await run('apt-get', args, { env });
    if (r.code !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
  }
  progress(`packages installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
