import { Value } from '@sinclair/typebox/value';
import { ConfigError } from '../../errors/hindsight-error';
import { ApiConfigSchema, type ApiConfig } from './api-config';

/**
 * Applies defaults, validates and checks what the schema cannot say: each token has exactly one of
 * `sha256` / `env`, names are unique, and only admin tokens may read every tenant (`'*'`).
 * @throws ConfigError naming the offending key path.
 */
export function parseApiConfig(input: unknown, path = 'api'): ApiConfig {
  const value = Value.Default(ApiConfigSchema, structuredClone(input ?? {}));
  const first = [...Value.Errors(ApiConfigSchema, value)][0];
  if (first !== undefined) throw new ConfigError(`${path}${first.path.replace(/\//g, '.')}: ${first.message}`);
  const config = value as ApiConfig;
  const names = new Set<string>();
  config.tokens.forEach((t, i) => {
    const at = `${path}.tokens.${i}`;
    if ((t.sha256 === undefined) === (t.env === undefined)) throw new ConfigError(`${at}: give exactly one of sha256, env`);
    if (names.has(t.name)) throw new ConfigError(`${at}.name: "${t.name}" is used by another token`);
    names.add(t.name);
    if (t.tenants.includes('*') && !t.admin) throw new ConfigError(`${at}.tenants: '*' (every tenant) is for admin tokens only`);
  });
  return config;
}
