/**
 * Renders a DomainSpec to libvirt XML with XMLBuilder (fast-xml-parser's builder, imported from its
 * own package so the launcher does not load the parser and its entity tables). Attribute and text values
 * are escaped by the builder; characters XML 1.0 cannot carry at all are dropped first, so no
 * user string can break or change the document's structure.
 */
import XMLBuilder from 'fast-xml-builder';
import type { DomainSpec } from './types.js';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: true,
});

// Control characters other than tab, newline and carriage return, lone surrogates, U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Drops characters that XML 1.0 cannot represent, even escaped. */
export const xmlSafe = (s: string): string => s.replace(INVALID_XML_CHARS, '');

function toBuilderValue(node: unknown): unknown {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'string') return xmlSafe(node);
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return node.map(toBuilderValue);
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (key === '$') {
      for (const [attr, v] of Object.entries(value as Record<string, string | number | undefined>)) {
        if (v !== undefined) out[`@_${attr}`] = typeof v === 'string' ? xmlSafe(v) : String(v);
      }
    } else if (key === '_') {
      out['#text'] = toBuilderValue(value);
    } else {
      const child = toBuilderValue(value);
      if (Array.isArray(child) && child.length === 0) continue;
      out[key] = child;
    }
    empty = false;
  }
  return empty ? '' : out;
}

/** The `<domain>` document of `spec`. */
export function renderDomainXML(spec: DomainSpec): string {
  const xml: string = builder.build({ domain: toBuilderValue(spec) });
  return xml.endsWith('\n') ? xml : `${xml}\n`;
}
