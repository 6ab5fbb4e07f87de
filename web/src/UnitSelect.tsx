import { useUnits } from './api/index.ts';
import { useMemo } from 'react';
import type { Unit } from './api/index.ts';
import { buildTree, flattenTree } from './units.ts';

/** A select over the unit tree, indented by depth. */
export function UnitSelect({
  id,
  name,
  value,
  onChange,
  emptyLabel,
  describedBy,
  include,
  required,
  testId,
}: {
  id: string;
  name: string;
  value: string;
  onChange: (unitId: string) => void;
  /** The first, empty choice; without it the select always names a unit. */
  emptyLabel?: string;
  describedBy?: string;
  include?: (unit: Unit) => boolean;
  required?: boolean;
  testId?: string;
}) {
  const { data: units } = useUnits();
  const options = useMemo(() => (units ? flattenTree(buildTree(units)) : []), [units]);
  return (
    <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} required={required} data-testid={testId}>
      {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
      {options
        .filter((node) => !include || include(node.unit))
        .map((node) => (
          <option key={node.unit.id} value={node.unit.id}>
            {'\u00a0\u00a0\u00a0'.repeat(node.depth) + node.unit.fullName}
          </option>
        ))}
    </select>
  );
}
