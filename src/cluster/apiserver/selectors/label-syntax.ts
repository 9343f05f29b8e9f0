/**
 * Label key and value syntax, with the messages of apimachinery's validation `content` package
 * (IsLabelKey / IsLabelValue), and Go-style rendering of field errors as `labels.Parse` prints them.
 */

const labelKeyFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelValueFmt = `(${labelKeyFmt})?`;
const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;

const labelKeyRe = new RegExp(`^${labelKeyFmt}$`);
const labelValueRe = new RegExp(`^${labelValueFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);

const labelKeyErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/** Longest label name part, label value, and DNS-1123 subdomain prefix. */
export const labelNameMaxLength = 63;
export const labelValueMaxLength = 63;
export const dns1123SubdomainMaxLength = 253;

const maxLenError = (n: number): string => `must be no more than ${n} bytes`;
const emptyError = (): string => 'must be non-empty';

function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  const eg = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${eg}regex used for validation is '${re}')`;
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** IsDNS1123Subdomain: the list of problems, empty when valid. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

/** IsLabelKey (a "qualified name": optional DNS subdomain prefix and `/`, then a name part). */
export function labelKeyErrors(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(labelKeyErrMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > labelNameMaxLength) errs.push(`name part ${maxLenError(labelNameMaxLength)}`);
  if (!labelKeyRe.test(name)) errs.push(`name part ${regexError(labelKeyErrMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** IsLabelValue: empty, or at most 63 bytes of `[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]`. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > labelValueMaxLength) errs.push(maxLenError(labelValueMaxLength));
  if (!labelValueRe.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** A Go value as `%#v` / `%q` print it in field.Error bodies: strings quoted, []string as `[]string{"a"}`. */
export function goValue(v: string | readonly string[] | null): string {
  if (v === null) return '[]string(nil)';
  if (typeof v === 'string') return JSON.stringify(v);
  return `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}`;
}

/** field.Invalid(...).Error(): `<path>: Invalid value: <value>: <detail>`; a nil path prints `<nil>`. */
export function invalidText(path: string | undefined, value: string | readonly string[] | null, detail: string): string {
  return `${path ?? '<nil>'}: Invalid value: ${goValue(value)}: ${detail}`;
}

/** utilerrors.Aggregate's text: one message alone, several (de-duplicated) in brackets. */
export function aggregateText(msgs: readonly string[]): string {
  const uniq = [...new Set(msgs)];
  return uniq.length === 1 ? (uniq[0] ?? '') : `[${uniq.join(', ')}]`;
}
