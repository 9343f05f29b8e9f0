/** VirtualMachineInstanceReplicaSet rules (upstream ValidateVMIRSSpec): a valid template the selector matches. */
import { FieldPath, type FieldError } from '../meta/index.js';
import type { VirtualMachineInstanceReplicaSet } from '../kubevirt/replicaset.js';
import type { LabelSelector } from '../kubevirt/core.js';
import { matchesLabelSelector } from '../kubevirt/label-selector.js';
import { invalidCause, requiredCause, type ValidationConfig } from './cause.js';
import { validateVMISpec } from './vmi.js';

/** apimachinery's LabelSelectorAsSelector errors for a selector, or undefined when it converts. */
export function labelSelectorError(selector: LabelSelector): string | undefined {
  for (const req of selector.matchExpressions ?? []) {
    const values = req.values ?? [];
    switch (req.operator as string) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return "for 'in', 'notin' operators, values set can't be empty";
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return "values set must be empty for exists and does not exist";
        break;
      default:
        return `"${req.operator}" is not a valid label selector operator`;
    }
  }
  return undefined;
}

/** A replica set on create or update. Empty when valid. */
export function validateReplicaSet(rs: VirtualMachineInstanceReplicaSet, config: ValidationConfig): FieldError[] {
  const field = FieldPath.root('spec');
  const template = rs.spec?.template;
  if (!template?.spec) return [requiredCause(field.child('template'), 'missing virtual machine template.')];
  const errs = validateVMISpec(template.spec, field.child('template', 'spec'), config);
  const selector = rs.spec.selector as LabelSelector | undefined;
  const selErr = selector ? labelSelectorError(selector) : undefined;
  if (selErr) errs.push(invalidCause(field.child('selector'), selErr));
  else if (!matchesLabelSelector(selector, template.metadata?.labels)) errs.push(invalidCause(field.child('selector'), 'selector does not match labels.'));
  return errs;
}
