/**
 * The resource.Quantity pattern and type, in a module of their own so that runtime code needing
 * only quantity arithmetic (virt-launcher) does not load the schema builders (typebox).
 */

/** The pattern apimachinery's resource.Quantity accepts, as upstream's CRDs print it. */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** A resource.Quantity: "1Gi", "100m" or a bare integer. */
export type Quantity = string | number;
