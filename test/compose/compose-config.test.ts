/**
 * The docker-compose stack and Grafana provisioning, checked without a Docker engine:
 * `docker-compose config` resolves the file (interpolation, defaults), and the invariants of
 * docs/operations.md are asserted on its output and on the files it mounts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../collector/src/config/load-config';
import { defaultSinkRegistry } from '../../collector/src/sinks/sink-registry';
import { unknownDatasourceRefs, type ProvisionedDatasource } from './datasource-refs';

const root = resolve(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown, what: string): Obj => {
  assert.ok(isObj(v), `${what}: expected a mapping, got ${JSON.stringify(v)}`);
  return v;
};

function loadCompose(): Obj {
  let out: string;
  try {
    // An empty project dir env keeps a developer's exported overrides from changing what is checked.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HINDSIGHT_|POSTGRES_|GRAFANA_)/.test(k)));
    out = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: root, env, encoding: 'utf8' });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') assert.fail('docker-compose is not installed (Debian package `docker-compose`)');
    assert.fail(`docker-compose config failed:\n${e.stderr ?? e.message}`);
  }
  return obj(parseYaml(out), 'docker-compose config');
}

const compose = loadCompose();
const services = obj(compose.services, 'services');
const service = (name: string): Obj => obj(services[name], `services.${name}`);
const declaredVolumes = new Set(Object.keys(isObj(compose.volumes) ? compose.volumes : {}));

/** Services other services wait for to exit 0: they run once and have no healthcheck to wait on. */
const oneShots = new Set<string>();
for (const svc of Object.values(services)) {
  for (const [dep, spec] of Object.entries(isObj((svc as Obj).depends_on) ? ((svc as Obj).depends_on as Obj) : {})) {
    if (isObj(spec) && spec.condition === 'service_completed_successfully') oneShots.add(dep);
  }
}

/** `source:target[:mode]` (v1 output) or the long form, as source/target/kind. */
function mounts(name: string): { source: string; target: string; bind: boolean }[] {
  const list = service(name).volumes;
  if (list === undefined) return [];
  assert.ok(Array.isArray(list), `services.${name}.volumes: expected a list`);
  return list.map((v: unknown) => {
    if (typeof v === 'string') {
      const [source = '', target = ''] = v.split(':');
      return { source, target, bind: source.startsWith('/') || source.startsWith('.') };
    }
    const m = obj(v, `services.${name}.volumes[]`);
    return { source: String(m.source), target: String(m.target), bind: m.type === 'bind' };
  });
}
const mountSource = (name: string, target: string): string | undefined => {
  const m = mounts(name).find((x) => x.target === target);
  return m === undefined ? undefined : relative(root, m.source);
};
const env = (name: string): Obj => obj(service(name).environment ?? {}, `services.${name}.environment`);
const commandText = (name: string): string => {
  const c = service(name).command;
  return Array.isArray(c) ? c.join(' ') : String(c ?? '');
};

test('the stack has every service the issue lists, and nothing unexpected', () => {
  assert.deepEqual(Object.keys(services).sort(), [
    'clickhouse', 'collector', 'collector-migrate', 'demo', 'grafana', 'kafka', 'kafka-init', 'postgres', 'prometheus',
  ]);
  assert.deepEqual([...oneShots].sort(), ['collector-migrate', 'kafka-init']);
});

test('images are pinned: an explicit version tag, never latest', () => {
  for (const [name, raw] of Object.entries(services)) {
    const svc = obj(raw, name);
    if (svc.build !== undefined) continue; // built from this repository
    const image = String(svc.image ?? '');
    const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
    assert.ok(/\d/.test(tag) && tag !== 'latest', `${name}: image "${image}" is not pinned to a version`);
  }
  assert.match(String(service('kafka').image), /^apache\/kafka:\d+\.\d+\.\d+$/);
  assert.match(String(service('postgres').image), /^postgres:15[.-]/);
  assert.match(String(service('clickhouse').image), /^clickhouse\/clickhouse-server:2\d\.\d+/);
});

test('every long-running service has a healthcheck; one-shots do not restart', () => {
  for (const [name, raw] of Object.entries(services)) {
    const svc = obj(raw, name);
    if (oneShots.has(name)) {
      assert.equal(svc.restart, 'no', `${name}: a one-shot service must not restart`);
      continue;
    }
    const hc = obj(svc.healthcheck, `${name}: healthcheck`);
    assert.notEqual(hc.disable, true, `${name}: healthcheck disabled`);
    assert.ok(Array.isArray(hc.test) && hc.test.length > 1, `${name}: healthcheck has no test`);
  }
});

test('depends_on waits for health or for successful completion, never just for a start', () => {
  for (const [name, raw] of Object.entries(services)) {
    const deps = (raw as Obj).depends_on;
    if (deps === undefined) continue;
    for (const [dep, spec] of Object.entries(obj(deps, `${name}.depends_on`))) {
      assert.ok(services[dep] !== undefined, `${name} depends on unknown service ${dep}`);
      const want = oneShots.has(dep) ? 'service_completed_successfully' : 'service_healthy';
      assert.equal(obj(spec, `${name}.depends_on.${dep}`).condition, want, `${name} → ${dep}`);
    }
  }
  // Start order of docs/ARCHITECTURE.md: stores and Kafka → migrate → collector → apps.
  const deps = (name: string): string[] => Object.keys(obj(service(name).depends_on, `${name}.depends_on`));
  assert.deepEqual(deps('kafka-init'), ['kafka']);
  assert.deepEqual(deps('collector-migrate'), ['postgres']);
  for (const d of ['kafka-init', 'collector-migrate', 'kafka', 'postgres', 'clickhouse']) {
    assert.ok(deps('collector').includes(d), `collector must wait for ${d}`);
  }
  assert.ok(deps('demo').includes('collector'), 'demo must start after the collector');
});

test('ports are published on 127.0.0.1 only', () => {
  let count = 0;
  for (const [name, raw] of Object.entries(services)) {
    for (const p of ((raw as Obj).ports as unknown[] | undefined) ?? []) {
      count++;
      const hostIp = typeof p === 'string' ? (p.split(':').length === 3 ? p.split(':')[0] : '') : obj(p, name).host_ip;
      assert.equal(hostIp, '127.0.0.1', `${name}: port ${JSON.stringify(p)} is not bound to 127.0.0.1`);
    }
  }
  assert.ok(count > 0);
});

test('state lives in declared named volumes', () => {
  const stateful: Record<string, string> = {
    kafka: '/var/lib/kafka/data',
    postgres: '/var/lib/postgresql/data',
    clickhouse: '/var/lib/clickhouse',
    prometheus: '/prometheus',
    grafana: '/var/lib/grafana',
  };
  for (const [name, target] of Object.entries(stateful)) {
    const m = mounts(name).find((x) => x.target === target);
    assert.ok(m !== undefined && !m.bind, `${name}: ${target} must be a named volume`);
    assert.ok(declaredVolumes.has(m.source), `${name}: volume ${m.source} is not declared under volumes:`);
  }
  for (const name of Object.keys(services)) {
    for (const m of mounts(name)) {
      // dashboards/ may still be empty (git keeps no empty folder); Docker creates a missing bind source.
      if (m.bind && relative(root, m.source) !== 'dashboards') {
        assert.ok(existsSync(m.source), `${name}: bind-mounted ${m.source} does not exist`);
      } else if (!m.bind) assert.ok(declaredVolumes.has(m.source), `${name}: volume ${m.source} is not declared`);
    }
  }
});

test('Kafka runs KRaft and kafka-init creates every topic idempotently', () => {
  const kafka = env('kafka');
  assert.match(String(kafka.KAFKA_PROCESS_ROLES), /controller/);
  assert.ok(!Object.keys(kafka).some((k) => k.includes('ZOOKEEPER')), 'no ZooKeeper in KRaft mode');
  assert.equal(String(service('kafka-init').image), String(service('kafka').image));
  const script = commandText('kafka-init');
  const lines = script.split('\n');
  const created = (topic: string): string | undefined => lines.find((l) => l.includes(`--topic ${topic} `));
  for (const topic of ['otlp_spans', 'otlp_logs', 'hindsight.audit', 'hindsight.journal', 'hindsight.dlq']) {
    const line = created(topic);
    assert.ok(line !== undefined, `kafka-init does not create ${topic}`);
    assert.match(line, /--create/);
    assert.match(line, /--if-not-exists/);
    if (topic !== 'hindsight.dlq') assert.match(line, /--partitions 4\b/, `${topic} must have 4 partitions`);
  }
});

const collectorConfigPath = '/etc/hindsight/collector.yaml';
const collectorConfig = obj(parseYaml(read('docker/collector.yaml')), 'docker/collector.yaml');

test('the collector: built here, migrate then run, env overrides, writer role for writes', () => {
  for (const name of ['collector', 'collector-migrate']) {
    const build = obj(service(name).build, `${name}.build`);
    assert.equal(resolve(String(build.context)), root);
    assert.equal(mountSource(name, collectorConfigPath), join('docker', 'collector.yaml'));
    for (const v of ['HINDSIGHT_KAFKA_BROKERS', 'HINDSIGHT_POSTGRES_URL', 'HINDSIGHT_CLICKHOUSE_URL']) {
      assert.ok(typeof env(name)[v] === 'string' && env(name)[v] !== '', `${name}: ${v} is not set`);
    }
  }
  assert.deepEqual(service('collector-migrate').command, ['migrate', '--config', collectorConfigPath]);
  assert.deepEqual(service('collector').command, ['run', '--config', collectorConfigPath]);
  assert.equal(new URL(String(env('collector').HINDSIGHT_POSTGRES_URL)).username, 'hindsight_writer');
  // migrate sets the login roles' passwords: they must be the ones the collector and Grafana use.
  assert.equal(env('collector-migrate').HINDSIGHT_PG_WRITER_PASSWORD,
    decodeURIComponent(new URL(String(env('collector').HINDSIGHT_POSTGRES_URL)).password));
  assert.equal(env('collector-migrate').HINDSIGHT_PG_READER_PASSWORD, env('grafana').HINDSIGHT_PG_READER_PASSWORD);
  assert.equal(env('collector-migrate').HINDSIGHT_PG_READER_PASSWORD, env('postgres').HINDSIGHT_PG_READER_PASSWORD);
  assert.equal(env('collector').HINDSIGHT_KAFKA_BROKERS, 'kafka:9092');
  assert.match(commandText('demo'), /demo:service/);
  assert.deepEqual(service('demo').entrypoint, ['npm', 'run', '--silent']);
});

test('docker/collector.yaml is valid for the collector, with the environment compose gives it', () => {
  for (const name of ['collector', 'collector-migrate']) {
    const given = Object.fromEntries(Object.entries(env(name)).map(([k, v]) => [k, String(v)]));
    const config = loadConfig({ path: join(root, 'docker', 'collector.yaml'), env: given, registry: defaultSinkRegistry() });
    assert.deepEqual(config.kafka.brokers, ['kafka:9092']);
    assert.equal(config.sinks.postgres?.options.url, given.HINDSIGHT_POSTGRES_URL, `${name}: HINDSIGHT_POSTGRES_URL not applied`);
    assert.equal(config.sinks.clickhouse?.options.url, given.HINDSIGHT_CLICKHOUSE_URL, `${name}: HINDSIGHT_CLICKHOUSE_URL not applied`);
  }
});

test('docker/collector.yaml matches the stack: brokers, topics created by kafka-init, one pipeline per sink', () => {
  const kafka = obj(collectorConfig.kafka, 'kafka');
  assert.deepEqual(kafka.brokers, ['kafka:9092']);
  const script = commandText('kafka-init');
  const topics = Object.values(obj(collectorConfig.sources, 'sources')).map((s) => String(obj(s, 'source').topic));
  for (const topic of [...topics, String(kafka.dlqTopic)]) {
    assert.ok(script.includes(`--topic ${topic} `), `topic ${topic} is not created by kafka-init`);
  }
  const sinks = Object.keys(obj(collectorConfig.sinks, 'sinks'));
  const owners = Object.values(obj(collectorConfig.pipelines, 'pipelines')).map((p) => String(obj(p, 'pipeline').sink));
  assert.deepEqual([...owners].sort(), [...sinks].sort(), 'each sink belongs to exactly one pipeline');
});

test('Prometheus scrapes the collector on the port its config serves, and the healthcheck uses it', () => {
  const port = Number(obj(obj(collectorConfig.service, 'service').http, 'service.http').port);
  const promFile = mountSource('prometheus', '/etc/prometheus/prometheus.yml');
  assert.ok(promFile !== undefined, 'prometheus.yml is not mounted');
  const prom = obj(parseYaml(read(promFile)), promFile);
  const targets = (prom.scrape_configs as Obj[]).flatMap((c) =>
    ((c.static_configs as Obj[] | undefined) ?? []).flatMap((s) => s.targets as string[]));
  assert.ok(targets.includes(`collector:${port}`), `no scrape target collector:${port} in ${promFile}`);
  assert.ok(JSON.stringify(obj(service('collector').healthcheck, 'hc').test).includes(`:${port}/`));
});

// ------------------------------------------------------------------ Grafana provisioning

const provisioningDir = 'grafana/provisioning';
const datasourceFiles = readdirSync(join(root, provisioningDir, 'datasources')).filter((f) => /\.ya?ml$/.test(f));
const provisioned: (ProvisionedDatasource & Obj)[] = datasourceFiles.flatMap((f) => {
  const doc = obj(parseYaml(read(join(provisioningDir, 'datasources', f))), f);
  assert.equal(doc.apiVersion, 1, `${f}: apiVersion`);
  return (doc.datasources as Obj[]).map((d) => d as ProvisionedDatasource & Obj);
});

test('Grafana: mounted provisioning, ClickHouse plugin installed, dashboards mounted', () => {
  assert.equal(mountSource('grafana', '/etc/grafana/provisioning'), join('grafana', 'provisioning'));
  assert.equal(mountSource('grafana', '/var/lib/grafana/dashboards'), 'dashboards');
  assert.match(String(env('grafana').GF_INSTALL_PLUGINS), /(^|,)grafana-clickhouse-datasource\b/);
});

test('datasources have the fixed, documented uids; Postgres reads as the SELECT-only role', () => {
  const byUid = new Map(provisioned.map((d) => [d.uid, d]));
  assert.deepEqual([...byUid.keys()].sort(), ['hindsight-clickhouse', 'hindsight-postgres', 'hindsight-prometheus']);
  assert.equal(byUid.size, provisioned.length, 'duplicate uid');
  const pg = byUid.get('hindsight-postgres')!;
  assert.match(String(pg.type), /^(postgres|grafana-postgresql-datasource)$/);
  assert.equal(pg.user, 'hindsight_reader');
  assert.equal(obj(pg.jsonData, 'pg.jsonData').database, 'hindsight');
  const ch = byUid.get('hindsight-clickhouse')!;
  assert.equal(ch.type, 'grafana-clickhouse-datasource');
  const chData = obj(ch.jsonData, 'ch.jsonData');
  assert.equal(chData.host, 'clickhouse');
  assert.equal(chData.username, 'hindsight_reader');
  const prom = byUid.get('hindsight-prometheus')!;
  assert.equal(prom.type, 'prometheus');
  assert.equal(new URL(String(prom.url)).hostname, 'prometheus');
});

test('datasource secrets come from the Grafana container environment, never from the file', () => {
  const grafanaEnv = env('grafana');
  for (const d of provisioned) {
    assert.ok(!('password' in d) && !(isObj(d.jsonData) && 'password' in d.jsonData), `${d.uid}: password outside secureJsonData`);
    for (const [key, value] of Object.entries(isObj(d.secureJsonData) ? d.secureJsonData : {})) {
      const m = /^\$__env\{([A-Z0-9_]+)\}$/.exec(String(value));
      assert.ok(m, `${d.uid}.secureJsonData.${key} must be $__env{VAR}`);
      assert.ok(typeof grafanaEnv[m[1]!] === 'string', `${d.uid}: ${m[1]} is not set on the grafana service`);
    }
  }
});

test('the dashboards provider loads dashboards/ into the Hindsight folder, read-only', () => {
  const files = readdirSync(join(root, provisioningDir, 'dashboards')).filter((f) => /\.ya?ml$/.test(f));
  const providers = files.flatMap((f) => obj(parseYaml(read(join(provisioningDir, 'dashboards', f))), f).providers as Obj[]);
  assert.equal(providers.length, 1);
  const p = providers[0]!;
  assert.equal(p.type, 'file');
  assert.equal(p.folder, 'Hindsight');
  assert.equal(p.allowUiUpdates, false);
  assert.equal(obj(p.options, 'options').path, '/var/lib/grafana/dashboards');
});

test('every datasource a dashboard names is provisioned', () => {
  const dir = join(root, 'dashboards');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const problems = files.flatMap((f) => {
    const dashboard: unknown = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    return unknownDatasourceRefs(dashboard, provisioned).map((r) => `dashboards/${f}: ${r.path} = "${r.ref}"`);
  });
  assert.deepEqual(problems, [], `unknown datasources:\n  ${problems.join('\n  ')}`);
});

test('the datasource check catches an unknown uid and accepts built-ins, variables and names', () => {
  const dashboard = {
    annotations: { list: [{ datasource: { type: 'grafana', uid: '-- Grafana --' } }] },
    templating: { list: [{ name: 'ds', type: 'datasource', query: 'prometheus' }] },
    panels: [
      { datasource: { type: 'prometheus', uid: 'hindsight-prometheus' }, targets: [{ datasource: { uid: '${ds}' } }] },
      { type: 'row', panels: [{ datasource: { type: 'postgres', uid: 'hindsight-postgress' } }] },
      { datasource: 'Hindsight ClickHouse' },
      { datasource: null },
      { datasource: { type: 'grafana-clickhouse-datasource', uid: 'Hindsight ClickHouse' } },
    ],
  };
  const unknown = unknownDatasourceRefs(dashboard, provisioned);
  assert.deepEqual(unknown.map((r) => [r.path, r.ref]), [
    ['panels[1].panels[0].datasource', 'hindsight-postgress'],
    // A name is not a uid: the object form must name the uid.
    ['panels[4].datasource', 'Hindsight ClickHouse'],
  ]);
});
