import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../../errors/hindsight-error';
import type { ApiTokenConfig } from '../config/api-config';
import type { TenantScope } from '../queries/tenant-scope';

/** Who is calling: the token's name, the tenants it reads and whether it has the admin scope. */
export interface Principal {
  name: string;
  tenants: TenantScope;
  admin: boolean;
}

interface KnownToken extends Principal {
  hash: Buffer;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Checks bearer tokens against the configured ones. */
export class TokenVerifier {
  private readonly tokens: KnownToken[];

  /**
   * @param env where `env` tokens are read (process.env by default).
   * @throws ConfigError when an `env` token's variable is unset or shorter than 16 characters.
   */
  constructor(tokens: readonly ApiTokenConfig[], env: NodeJS.ProcessEnv = process.env) {
    this.tokens = tokens.map((t) => {
      let hash: Buffer;
      if (t.sha256 !== undefined) hash = Buffer.from(t.sha256, 'hex');
      else {
        const secret = env[t.env as string];
        if (secret === undefined || secret.length < 16) {
          throw new ConfigError(`api token "${t.name}": environment variable ${t.env} must hold a token of at least 16 characters`);
        }
        hash = sha256(secret);
      }
      return { name: t.name, tenants: Object.freeze([...t.tenants]), admin: t.admin, hash };
    });
  }

  /**
   * The principal of an `Authorization` header value, or undefined. Compares hashes in constant time
   * and always against every token, so timing reveals neither a token nor how many matched bytes.
   */
  verify(authorization: string | undefined): Principal | undefined {
    if (authorization === undefined) return undefined;
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization);
    if (m === null) return undefined;
    const presented = sha256(m[1] as string);
    let found: KnownToken | undefined;
    for (const t of this.tokens) {
      if (timingSafeEqual(t.hash, presented) && found === undefined) found = t;
    }
    return found === undefined ? undefined : { name: found.name, tenants: found.tenants, admin: found.admin };
  }
}
