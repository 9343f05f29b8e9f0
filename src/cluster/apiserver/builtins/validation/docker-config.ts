/**
 * The JSON check kube-apiserver makes on `.dockercfg` / `.dockerconfigjson` Secret data: the value
 * must decode into a JSON object, and a failure reads as Go's encoding/json words it.
 */

/** Go's encoding/json error for `text` decoded into a map, or undefined when it is a JSON object. */
export function goJsonObjectError(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const at = /position (\d+)/.exec(msg);
    const token = /Unexpected token '(.)'/.exec(msg);
    const ch = at ? text.charAt(Number(at[1])) : token?.[1];
    if (/Unexpected end/i.test(msg) || !ch) return 'unexpected end of JSON input';
    return `invalid character '${ch}' looking for beginning of value`;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return undefined;
  const kind = Array.isArray(value) ? 'array' : value === null ? undefined : typeof value === 'boolean' ? 'bool' : typeof value;
  return kind === undefined ? undefined : `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}
