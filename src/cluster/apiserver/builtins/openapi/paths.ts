/**
 * OpenAPI path items for the built-in resources: the operations, query parameters and
 * x-kubernetes-action / x-kubernetes-group-version-kind extensions that kubectl inspects
 * (it looks for `fieldValidation` and `dryRun` on PATCH to decide what the server supports).
 */
import type { ResourceInfo } from '../../contracts.js';

export type Operation = Record<string, unknown>;
export type PathItem = Record<string, Operation | unknown[]>;

/** One query parameter, in the shape of the given OpenAPI major version. */
function queryParam(name: string, description: string, v3: boolean): Record<string, unknown> {
  return v3
    ? { name, in: 'query', description, schema: { type: 'string' }, style: 'form' }
    : { name, in: 'query', description, type: 'string', uniqueItems: true };
}

const WRITE_PARAMS: [string, string][] = [
  ['dryRun', 'When present, indicates that modifications should not be persisted.'],
  ['fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'],
  ['fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.'],
];
const LIST_PARAMS: [string, string][] = [
  ['labelSelector', 'A selector to restrict the list of returned objects by their labels.'],
  ['fieldSelector', 'A selector to restrict the list of returned objects by their fields.'],
  ['limit', 'limit is a maximum number of responses to return for a list call.'],
  ['continue', 'The continue option should be set when retrieving more results from the server.'],
  ['resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'],
  ['watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'],
];

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

interface OpSpec {
  readonly verb: string;
  readonly method: 'get' | 'put' | 'post' | 'patch' | 'delete';
  readonly action: string;
  readonly params: [string, string][];
}

function operation(info: ResourceInfo, op: OpSpec, suffix: string, responseRef: string, v3: boolean): Operation {
  const scope = info.namespaced ? 'Namespaced' : '';
  const gvPart = capital(info.group.split('.')[0] || 'core') + capital(info.version);
  const params = op.method === 'patch' ? [...op.params, ['force', 'Force is going to "force" Apply requests.'] as [string, string]] : op.params;
  const response = v3 ? { content: { 'application/json': { schema: { $ref: responseRef } } }, description: 'OK' } : { description: 'OK', schema: { $ref: responseRef } };
  return {
    operationId: `${op.verb}${gvPart}${scope}${info.kind}${suffix}`,
    tags: [gvPart],
    parameters: params.map(([n, d]) => queryParam(n, d, v3)),
    responses: { '200': response },
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': { group: info.group, version: info.version, kind: info.kind },
  };
}

/** Path items of one resource; `kindRef`/`listRef` are $refs to its kind and list definitions. */
export function resourcePaths(info: ResourceInfo, kindRef: string, listRef: string | undefined, v3: boolean): Record<string, PathItem> {
  const root = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const collection = info.namespaced ? `${root}/namespaces/{namespace}/${info.plural}` : `${root}/${info.plural}`;
  const has = (v: string): boolean => (info.verbs as readonly string[]).includes(v);
  const out: Record<string, PathItem> = {};
  const coll: PathItem = {};
  if (has('list') && listRef) coll.get = operation(info, { verb: 'list', method: 'get', action: 'list', params: LIST_PARAMS }, '', listRef, v3);
  if (has('create')) coll.post = operation(info, { verb: 'create', method: 'post', action: 'post', params: WRITE_PARAMS }, '', kindRef, v3);
  if (has('deletecollection')) coll.delete = operation(info, { verb: 'deleteCollection', method: 'delete', action: 'deletecollection', params: [] }, '', kindRef, v3);
  out[collection] = coll;
  if (info.virtual) return out;
  const item = (suffix: string, opSuffix: string): PathItem => {
    const p: PathItem = {};
    if (has('get')) p.get = operation(info, { verb: 'read', method: 'get', action: 'get', params: [] }, opSuffix, kindRef, v3);
    if (has('update')) p.put = operation(info, { verb: 'replace', method: 'put', action: 'put', params: WRITE_PARAMS }, opSuffix, kindRef, v3);
    if (has('patch')) p.patch = operation(info, { verb: 'patch', method: 'patch', action: 'patch', params: WRITE_PARAMS }, opSuffix, kindRef, v3);
    if (has('delete') && suffix === '') p.delete = operation(info, { verb: 'delete', method: 'delete', action: 'delete', params: [WRITE_PARAMS[0]!] }, opSuffix, kindRef, v3);
    return p;
  };
  out[`${collection}/{name}`] = item('', '');
  if (info.subresources.includes('status')) out[`${collection}/{name}/status`] = item('/status', 'Status');
  return out;
}
