/**
 * Field error constructors that src/api/meta does not provide (yet): NotFound.
 */
import type { FieldError, FieldPath } from '../../../../api/meta/index.js';

/** field.NotFound: `path: Not found: "value"`. */
export const notFound = (field: FieldPath | string, value: unknown): FieldError => ({
  type: 'FieldValueNotFound',
  field: String(field),
  value,
  detail: '',
});
