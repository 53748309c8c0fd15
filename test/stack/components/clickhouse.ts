import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Component, LaunchSpec } from '../component';
import type { StackConfig } from '../config';
import { serviceUser } from '../process-helper';

/** Escapes text for an XML element body. */
const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Server config for ClickHouse 18.16: only what it needs to start, every path under the
 * stack folder, loopback only, no interserver port (no replication here).
 */
function serverConfig(dir: string, httpPort: number, tcpPort: number): string {
  const p = (sub: string): string => xml(join(dir, sub) + '/');
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>information</level>
    <log>${xml(join(dir, 'log', 'clickhouse-server.log'))}</log>
    <errorlog>${xml(join(dir, 'log', 'clickhouse-server.err.log'))}</errorlog>
    <size>50M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <max_connections>1024</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>${p('data')}</path>
  <tmp_path>${p('tmp')}</tmp_path>
  <user_files_path>${p('user_files')}</user_files_path>
  <format_schema_path>${p('format_schemas')}</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
`;
}

/** One passwordless `default` user reachable from loopback only. */
const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
    </default>
    <readonly><readonly>1</readonly></readonly>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries><errors>0</errors><result_rows>0</result_rows>
        <read_rows>0</read_rows><execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`;

/** ClickHouse 18.16 run as the `clickhouse` user with a config generated under the stack folder. */
export function clickhouseComponent(cfg: StackConfig): Component & { url: string; tcpPort: number } {
  const dir = join(cfg.stackDir, 'clickhouse');
  const configFile = join(dir, 'config.xml');
  const { clickhouseHttp: httpPort, clickhouseTcp: tcpPort } = cfg.ports;
  const url = `http://127.0.0.1:${httpPort}`;
  const user = serviceUser('clickhouse');

  return {
    name: 'clickhouse',
    dir,
    logFile: join(dir, 'clickhouse.log'),
    pidFile: join(dir, 'clickhouse.pid'),
    marker: configFile,
    address: { host: '127.0.0.1', port: httpPort },
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 60_000,
    url,
    tcpPort,
    async prepare() {
      // The server writes config-preprocessed.xml beside its config, so it owns the whole folder.
      for (const sub of ['', 'data', 'tmp', 'log', 'user_files', 'format_schemas']) {
        const d = join(dir, sub);
        mkdirSync(d, { recursive: true });
        if (user) chownSync(d, user.uid, user.gid);
      }
      writeFileSync(configFile, serverConfig(dir, httpPort, tcpPort));
      writeFileSync(join(dir, 'users.xml'), USERS_XML);
    },
    launch(): LaunchSpec {
      return {
        cmd: 'clickhouse-server',
        args: [`--config-file=${configFile}`],
        user,
        cwd: dir,
        env: { ...process.env, HOME: dir },
      };
    },
    async isReady() {
      const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
      return res.ok && (await res.text()).startsWith('Ok.');
    },
  };
}
