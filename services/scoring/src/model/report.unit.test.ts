import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS_DIR, loadModel } from './load.ts';
import { predict, type Model } from './model.ts';
import { auc, brier } from './metrics.ts';
import type { ModelFeatures } from './spec.ts';

/** The committed held-out files: plain CSV written by regua_model/train.py, no quoting needed. */
async function readRows(path: string): Promise<Array<{ features: ModelFeatures; paid: boolean }>> {
  const [header, ...lines] = (await readFile(path, 'utf8')).trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => {
    const raw = Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v]));
    const num = (k: string) => Number(raw[k]);
    const bool = (k: string) => raw[k] === '1';
    return {
      features: {
        daysPastDue: num('daysPastDue'),
        amountCents: num('amountCents'),
        hasValidMobile: bool('hasValidMobile'),
        hasValidEmail: bool('hasValidEmail'),
        whatsappCapable: bool('whatsappCapable'),
        priorPaidInvoices: num('priorPaidInvoices'),
        agreementsBroken: num('agreementsBroken'),
        agreementsKept: num('agreementsKept'),
        messagesSent: num('messagesSent'),
        messagesDelivered: num('messagesDelivered'),
        messagesRead: num('messagesRead'),
        readRate: num('readRate'),
        daysSinceLastRead: num('daysSinceLastRead'),
        productType: raw.productType as ModelFeatures['productType'],
        uf: raw.uf || null,
      },
      paid: bool('paidWithin30Days'),
    };
  });
}

interface Figures {
  auc: number;
  brier: number;
  baselineAuc: number;
}

let model: Model;
let report: string;
beforeAll(async () => {
  model = await loadModel('current');
  report = await readFile(join(ARTIFACTS_DIR, '..', 'REPORT.md'), 'utf8');
});

describe.each(['holdout', 'shifted'] as const)('the committed report, %s data', (dataset) => {
  test('Given the committed artifact and data, when the TypeScript inference scores every row, then AUC and Brier are the reported ones', async () => {
    const rows = await readRows(join(ARTIFACTS_DIR, model.version, `${dataset}.csv`));
    const probabilities = rows.map((r) => predict(model, r.features).probability);
    const outcomes = rows.map((r) => r.paid);
    const reported = (model.artifact.manifest.metrics as Record<string, Figures>)[dataset]!;

    expect(rows).toHaveLength(10_000);
    expect(Math.abs(auc(outcomes, probabilities) - reported.auc)).toBeLessThan(1e-6);
    expect(Math.abs(brier(outcomes, probabilities) - reported.brier)).toBeLessThan(1e-6);
    expect(reported.auc).toBeGreaterThan(reported.baselineAuc);
    const row = dataset === 'holdout' ? '| model |' : '| model (unchanged) |';
    expect(report).toContain(`${row} ${reported.auc.toFixed(4)} | ${reported.brier.toFixed(4)} |`);
  });
});
