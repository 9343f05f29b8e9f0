/**
 * Label and field selectors for the API server (the SelectorsModule contract), plus the helpers
 * other cluster code needs: metav1 selector variants, per-kind field label support.
 */
import type { SelectorsModule } from '../contracts.js';
import { parseFieldSelector } from './fields.js';
import { labelSelectorFromMeta, parseLabelSelector } from './labels.js';
import { parseFieldSelectorFor, selectableFields } from './selectable-fields.js';

/** The module the server core wires in. labelSelectorFromMeta: nil matches nothing, {} everything. */
export const selectors: SelectorsModule = {
  parseLabelSelector,
  labelSelectorFromMeta,
  parseFieldSelector: (s, info) => (info ? parseFieldSelectorFor(info, s) : parseFieldSelector(s)),
  selectableFields,
};

export {
  everything,
  nothing,
  formatLabelSelector,
  labelSelectorFromMetaOrEverything,
  selectorFromSet,
} from './labels.js';
export { convertFieldLabel, parseFieldSelectorFor, supportedFieldSelectors } from './selectable-fields.js';
export { escapeValue as escapeFieldValue } from './fields.js';
export { validateLabelName, validateLabelSelector, validateLabels } from './validation.js';
