import type { FeatureSpec } from './spec.ts';
import { categoryOf } from './encode.ts';

/** Below this |effect| (log-odds) a reason reads as neutral rather than pushing either way. */
const NEUTRAL = 0.05;

const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

function fill(template: string, value: string): string {
  return template.replace('{value}', value);
}

function fact(spec: FeatureSpec, feature: string, features: Readonly<Record<string, unknown>>): string {
  const f = spec.features.find((d) => d.input === feature);
  if (!f) return feature;
  const value = features[feature];
  switch (f.kind) {
    case 'boolean':
      return value === true ? f.fact.true : f.fact.false;
    case 'number': {
      const n = Math.min(Math.max(Number(value), f.clip[0]), f.clip[1]);
      const template = n === 1 && f.factOne ? f.factOne : f.fact;
      return fill(template, f.format === 'brl' ? brl.format(n / 100) : String(n));
    }
    case 'category': {
      const level = categoryOf(f, value);
      if (level === null) return f.missing ?? fill(f.fact, 'desconhecido');
      return fill(f.fact, f.labels[level] ?? level);
    }
  }
}

/** Operator-facing pt-BR text: the fact, then which way it moves the chance of payment. */
export function reasonText(spec: FeatureSpec, feature: string, features: Readonly<Record<string, unknown>>, effect: number): string {
  const text = fact(spec, feature, features);
  const direction = Math.abs(effect) < NEUTRAL ? 'pouco influencia' : effect > 0 ? 'aumenta' : 'reduz';
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}: ${direction} a chance de pagamento`;
}
