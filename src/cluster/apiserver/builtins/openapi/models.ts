/**
 * Reads the Kubernetes API models that @kubernetes/client-node generates from kube-apiserver's
 * OpenAPI spec: each model's properties (name, type, format) from its attributeTypeMap and the
 * descriptions and required-ness from its .d.ts doc comments. Our OpenAPI documents are built
 * from these, so `kubectl explain` shows upstream's descriptions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ModelProperty {
  readonly name: string;
  /** The generator's TypeScript type: "string", "Array<V1Container>", "{ [key: string]: string; }", ... */
  readonly type: string;
  readonly format: string;
  readonly required: boolean;
  readonly description?: string;
}

export interface Model {
  readonly name: string;
  readonly description?: string;
  readonly properties: readonly ModelProperty[];
}

let modelsDir: string | undefined;

/** The directory holding client-node's generated models. */
export function clientModelsDir(): string {
  if (!modelsDir) modelsDir = join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')), 'gen', 'models');
  return modelsDir;
}

/** True when client-node ships a model of this name. */
export function hasModel(name: string): boolean {
  return /^\w+$/.test(name) && existsSync(join(clientModelsDir(), `${name}.js`));
}

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

function attributes(name: string): Attribute[] {
  const src = readFileSync(join(clientModelsDir(), `${name}.js`), 'utf8');
  const marker = `${name}.attributeTypeMap = `;
  const start = src.indexOf(marker);
  if (start < 0) return [];
  const end = src.indexOf('];', start);
  return JSON.parse(src.slice(start + marker.length, end + 1)) as Attribute[];
}

const unescape = (s: string): string => s.replace(/\\(['"])/g, '$1');

/** Doc comments of the class and of each property in the model's .d.ts. */
function docComments(name: string): { cls?: string; props: Map<string, { description?: string; required: boolean }> } {
  const lines = readFileSync(join(clientModelsDir(), `${name}.d.ts`), 'utf8').split('\n');
  const props = new Map<string, { description?: string; required: boolean }>();
  let cls: string | undefined;
  let pending: string[] | undefined;
  let inComment = false;
  let sawClass = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('/**')) {
      inComment = true;
      pending = [];
      continue;
    }
    if (inComment) {
      if (line.startsWith('*/')) inComment = false;
      else pending?.push(line.replace(/^\*\s?/, ''));
      continue;
    }
    const text = pending && pending.length > 0 ? unescape(pending.join('\n').trim()) : undefined;
    if (line.startsWith('export declare class')) {
      cls = text;
      sawClass = true;
    } else if (sawClass) {
      const m = /^'([^']+)'(\?)?:/.exec(line);
      if (m) props.set(m[1]!, { ...(text ? { description: text } : {}), required: m[2] !== '?' });
    }
    if (line !== '') pending = undefined;
  }
  return { ...(cls ? { cls } : {}), props };
}

const cache = new Map<string, Model>();

/** One model, read once and cached. Throws when client-node has no such model. */
export function loadModel(name: string): Model {
  const hit = cache.get(name);
  if (hit) return hit;
  const docs = docComments(name);
  const properties = attributes(name).map((a) => {
    const d = docs.props.get(a.name);
    return { name: a.baseName, type: a.type, format: a.format, required: d?.required ?? false, ...(d?.description ? { description: d.description } : {}) };
  });
  const model: Model = { name, ...(docs.cls ? { description: docs.cls } : {}), properties };
  cache.set(name, model);
  return model;
}
