/** Fixtures shared by the API server module tests. */
import type { ResourceInfo } from '../contracts.js';

/** A ResourceInfo for `group`/`kind` with plausible names; `extra` overrides any field. */
export const resourceInfo = (group: string, kind: string, extra: Partial<ResourceInfo> = {}): ResourceInfo => ({
  group,
  version: 'v1',
  kind,
  listKind: `${kind}List`,
  plural: `${kind.toLowerCase()}s`,
  singular: kind.toLowerCase(),
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ['get', 'list', 'patch'],
  subresources: ['status'],
  ...extra,
});
