import type { FeatureSpec } from './spec.ts';
import { categoryOf } from './encode.ts';

/** Below this |effect| (log-odds) a reason reads as neutral rather than pushing either way. */
const NEUTRAL = 0.05;

const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

/** `{value}` is the feature's own value as formatted; `{name}` any other raw input's number (`{messagesRead}`). */
function fill(template: string, value: string, features: Readonly<Record<string, unknown>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    if (name === 'value') return value;
    const other = features[name];
    return typeof other === 'number' && Number.isFinite(other) ? String(other) : placeholder;
  });
}

function formatted(format: 'days' | 'brl' | 'count' | 'ratio', n: number): string {
  if (format === 'brl') return brl.format(n / 100);
  if (format === 'ratio') return `${Math.round(n * 100)} %`;
  return String(n);
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
      const template = f.factAt?.[String(n)] ?? (n === 1 && f.factOne ? f.factOne : f.fact);
      return fill(template, formatted(f.format, n), features);
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
