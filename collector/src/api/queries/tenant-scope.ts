/**
 * Which tenants a caller may read. Every query of the API takes this list as a bind parameter and
 * filters on it in SQL (`tenant = ANY($1) OR '*' = ANY($1)`), so a row of another tenant never leaves
 * the database. `'*'` (all tenants) is only ever granted to admin tokens; it cannot collide with a
 * real tenant because tenants are identifiers, which start with a letter or digit.
 */
export type TenantScope = readonly string[];

/** The wildcard entry of a {@link TenantScope}. */
export const ALL_TENANTS = '*';

/** True when the scope covers every tenant. */
export function coversAllTenants(scope: TenantScope): boolean {
  return scope.includes(ALL_TENANTS);
}

/** True when `tenant` is readable under `scope`. */
export function scopeAllows(scope: TenantScope, tenant: string): boolean {
  return coversAllTenants(scope) || scope.includes(tenant);
}

/**
 * Narrows a scope to the tenant a request asked for (`?tenant=`). A tenant outside the caller's scope
 * yields an empty scope, so the query returns no rows rather than an error that would confirm the
 * tenant exists.
 */
export function narrowScope(scope: TenantScope, tenant: string | undefined): TenantScope {
  if (tenant === undefined) return scope;
  return scopeAllows(scope, tenant) ? [tenant] : [];
}
