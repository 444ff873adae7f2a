/** The simulator's mutable state, shared by the routes and the programmatic API. */
import type { ApiKeyRecord, SimUserRecord, TenantState } from './data.js';
import type { Clock } from './http.js';

export interface SimState extends Clock {
  tenants: TenantState[];
  tokenLifetimeSeconds: number;
  clockSkewSeconds: number;
  caseSearchVersions: Set<'v1' | 'v2'>;
  mints: number;
  refreshes: number;
  issuer: string;
  onSecretIssued: (secret: string) => void;
}

export function nowSeconds(state: SimState): number {
  return Math.floor(state.nowMs() / 1000);
}

export function tenantByDomain(state: SimState, domain: string | undefined): TenantState | undefined {
  if (!domain) return undefined;
  const d = domain.trim().toLowerCase();
  return state.tenants.find((t) => t.domain === d);
}

export function findKey(state: SimState, key: string): { tenant: TenantState; record: ApiKeyRecord } | undefined {
  for (const tenant of state.tenants) {
    const record = tenant.keys.find((k) => k.key === key);
    if (record) return { tenant, record };
  }
  return undefined;
}

export function userById(tenant: TenantState, id: string): SimUserRecord | undefined {
  return tenant.users.find((u) => u.id === id);
}
