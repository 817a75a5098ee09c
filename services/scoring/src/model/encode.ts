import { createHash } from 'node:crypto';
import { ValidationError } from '@regua/errors';
import type { FeatureDef, FeatureSpec } from './spec.ts';

/** One model column: the raw input it comes from, and for one-hot columns the category it stands for. */
export interface Column {
  input: string;
  category?: string;
}

export function columnsOf(spec: FeatureSpec): Column[] {
  return spec.features.flatMap((f): Column[] => (f.kind === 'category' ? f.categories.map((category) => ({ input: f.input, category })) : [{ input: f.input }]));
}

/** The category column a raw value falls in (a UF's region when the feature has groups), or null. */
export function categoryOf(f: Extract<FeatureDef, { kind: 'category' }>, value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (!f.groups) return f.categories.includes(value) ? value : null;
  for (const [group, members] of Object.entries(f.groups)) if (members.includes(value)) return group;
  return null;
}

function numberColumn(f: Extract<FeatureDef, { kind: 'number' }>, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(`feature ${f.input} must be a finite number`, [{ path: f.input, message: 'expected a finite number' }]);
  }
  const [lo, hi] = f.clip;
  const x = Math.min(Math.max(value, lo), hi) * (f.scale ?? 1);
  return f.transform === 'log1p' ? Math.log1p(x) : x;
}

/** Raw features → the model's column values, in `columnsOf(spec)` order; the same rules as regua_model/spec.py. */
export function encode(spec: FeatureSpec, features: Readonly<Record<string, unknown>>): number[] {
  return spec.features.flatMap((f): number[] => {
    const value = features[f.input];
    switch (f.kind) {
      case 'number':
        return [numberColumn(f, value)];
      case 'boolean':
        return [value === true ? 1 : 0];
      case 'category': {
        const level = categoryOf(f, value);
        return f.categories.map((c) => (c === level ? 1 : 0));
      }
    }
  });
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** sha256 of the spec's canonical JSON (sorted keys, no spaces), as regua_model.spec.spec_hash computes it. */
export function specHash(spec: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(spec))).digest('hex')}`;
}
