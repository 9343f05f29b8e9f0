/**
 * The OpenAPI v2 (/openapi/v2) and v3 (/openapi/v3/<api|apis>/<group>/<version>) documents of
 * the built-in kinds, built once from client-node's models and cached with their JSON and gzip
 * encodings and an ETag-style hash.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ResourceInfo } from '../../contracts.js';
import { builtinResources } from '../catalogue.js';
import { resourcePaths, type PathItem } from './paths.js';
import { DefinitionCollector, modelForKind, type Schema } from './schemas.js';

/** The Kubernetes version our documents describe. */
export const OPENAPI_INFO = { title: 'Kubernetes', version: 'v1.30.0' };

function gvk(info: ResourceInfo, kind: string): Schema {
  return { 'x-kubernetes-group-version-kind': [{ group: info.group, kind, version: info.version }] };
}

function collect(resources: readonly ResourceInfo[], collector: DefinitionCollector, ref: (n: string) => string, v3: boolean): Record<string, PathItem> {
  const paths: Record<string, PathItem> = {};
  for (const info of resources) {
    const model = modelForKind(info);
    if (!model) continue;
    const kindRef = ref(collector.add(model, info.group, gvk(info, info.kind)));
    const listModel = modelForKind(info, 'List');
    const listRef = listModel ? ref(collector.add(listModel, info.group, gvk(info, info.listKind))) : undefined;
    Object.assign(paths, resourcePaths(info, kindRef, listRef, v3));
  }
  return paths;
}

let v2Doc: Schema | undefined;

/** The /openapi/v2 document (swagger 2.0) of every built-in kind. Do not mutate it; copy to merge CRDs. */
export function builtinOpenApiV2(): Schema {
  if (!v2Doc) {
    const ref = (n: string): string => `#/definitions/${n}`;
    const collector = new DefinitionCollector(ref);
    const paths = collect(builtinResources, collector, ref, false);
    v2Doc = { swagger: '2.0', info: OPENAPI_INFO, paths, definitions: collector.definitions };
  }
  return v2Doc;
}

/** "api/v1" for core, "apis/<group>/<version>" otherwise: the path under /openapi/v3/. */
export function openApiV3Path(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** The v3 paths of every built-in group-version, for the /openapi/v3 index. */
export function builtinOpenApiV3Paths(): string[] {
  return [...new Set(builtinResources.map((r) => openApiV3Path(r.group, r.version)))];
}

function parseGroupVersion(gv: string): { group: string; version: string } | undefined {
  const parts = gv.replace(/^\/+/, '').replace(/^openapi\/v3\//, '').split('/');
  if (parts[0] === 'api' && parts.length === 2) return { group: '', version: parts[1]! };
  if (parts[0] === 'apis' && parts.length === 3) return { group: parts[1]!, version: parts[2]! };
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

const v3Docs = new Map<string, Schema>();

/**
 * The OpenAPI 3.0 document of one built-in group-version. Accepts "v1", "apps/v1", "api/v1" or
 * "apis/apps/v1"; undefined when no built-in kind lives there.
 */
export function builtinOpenApiV3(groupVersion: string): Schema | undefined {
  const gv = parseGroupVersion(groupVersion);
  if (!gv) return undefined;
  const key = openApiV3Path(gv.group, gv.version);
  const hit = v3Docs.get(key);
  if (hit) return hit;
  const resources = builtinResources.filter((r) => r.group === gv.group && r.version === gv.version);
  if (resources.length === 0) return undefined;
  const ref = (n: string): string => `#/components/schemas/${n}`;
  const collector = new DefinitionCollector(ref);
  const paths = collect(resources, collector, ref, true);
  const doc: Schema = { openapi: '3.0.0', info: OPENAPI_INFO, paths, components: { schemas: collector.definitions } };
  v3Docs.set(key, doc);
  return doc;
}

export interface EncodedDocument {
  readonly json: Buffer;
  readonly gzip: Buffer;
  /** Hex SHA-512 of the JSON: the `hash` of /openapi/v3 URLs and a strong ETag. */
  readonly hash: string;
}

const encoded = new WeakMap<object, EncodedDocument>();

/** JSON and gzip encodings of a document, computed once per document object. */
export function encodeDocument(doc: object): EncodedDocument {
  const hit = encoded.get(doc);
  if (hit) return hit;
  const json = Buffer.from(JSON.stringify(doc));
  const result = { json, gzip: gzipSync(json), hash: createHash('sha512').update(json).digest('hex').toUpperCase() };
  encoded.set(doc, result);
  return result;
}
