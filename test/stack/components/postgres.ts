import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Component, LaunchSpec } from '../component';
import type { StackConfig } from '../config';
import { progress, run, serviceUser } from '../process-helper';

/** Folder of the Debian PostgreSQL 15 binaries (not on PATH). */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * A private PostgreSQL 15 cluster under the stack folder, owned by the `postgres` user,
 * listening on 127.0.0.1 and its own socket folder. Local connections use trust
 * authentication: the stack is a developer's loopback-only test bed.
 */
export function postgresComponent(cfg: StackConfig): Component & { socketDir: string; database: string; user: string } {
  const dir = join(cfg.stackDir, 'postgres');
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'run');
  const port = cfg.ports.postgres;
  const user = serviceUser('postgres');
  const { database, user: dbUser } = cfg.postgres;

  const connect = async (db: string): Promise<Client> => {
    const client = new Client({ host: '127.0.0.1', port, user: dbUser, database: db, connectionTimeoutMillis: 2000 });
    await client.connect();
    return client;
  };

  return {
    name: 'postgres',
    dir,
    logFile: join(dir, 'postgres.log'),
    pidFile: join(dir, 'postgres.pid'),
    marker: dataDir,
    address: { host: '127.0.0.1', port },
    stopSignal: 'SIGINT', // "fast" shutdown: rolls back open transactions, exits in well under a second
    readyTimeoutMs: 30_000,
    socketDir,
    database,
    user: dbUser,
    async prepare() {
      for (const d of [dir, socketDir]) {
        mkdirSync(d, { recursive: true });
        if (user) chownSync(d, user.uid, user.gid);
      }
      if (existsSync(join(dataDir, 'PG_VERSION'))) return;
      progress(`postgres: initdb ${dataDir}`);
      const r = await run(
        join(PG_BIN, 'initdb'),
        ['-D', dataDir, '-U', dbUser, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
        { user, cwd: dir },
      );
      if (r.code !== 0) throw new Error(`initdb failed (exit ${r.code}):\n${r.stderr || r.stdout}`);
    },
    launch(): LaunchSpec {
      return {
        cmd: join(PG_BIN, 'postgres'),
        args: [
          '-D', dataDir,
          '-p', String(port),
          '-c', 'listen_addresses=127.0.0.1',
          '-c', `unix_socket_directories=${socketDir}`,
          // A throwaway test cluster: losing it on a power cut is fine, waiting on disk flushes is not.
          '-c', 'fsync=off',
          '-c', 'synchronous_commit=off',
          '-c', 'max_connections=200',
        ],
        user,
        cwd: dir,
      };
    },
    async isReady() {
      const r = await run(join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-t', '1']);
      return r.code === 0;
    },
    async afterReady() {
      const client = await connect('postgres');
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (found.rowCount === 0) {
          progress(`postgres: creating database ${database}`);
          await client.query(`CREATE DATABASE "${database}"`);
        }
      } finally {
        await client.end();
      }
    },
  };
}
