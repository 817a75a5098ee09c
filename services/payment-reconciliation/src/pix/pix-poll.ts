import type { Connection } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { DocumentMatching } from '../document-matching.ts';
import type { Ledger } from '../store/ledger.ts';
import type { PixReceiptsApi } from './psp-api.ts';
import { receivePixReceipt } from './receive-receipt.ts';

export interface PixPollDeps {
  /** Per tenant, its PSP's receipts. */
  apis: ReadonlyMap<string, PixReceiptsApi>;
  matching: Pick<DocumentMatching, 'receive'>;
  ledger: Pick<Ledger, 'findPayment'>;
  db: Connection;
  clock: Clock;
  logger: Logger;
  source: string;
  /** Each window starts this far before the end of the last one: a PSP may list a receipt a little late. */
  overlapMs: number;
  /** A tenant polled for the first time looks back this far. */
  firstLookbackMs: number;
  perPage?: number;
}

export interface PixPollRun {
  tenant: string;
  from: Date;
  to: Date;
  listed: number;
  known: number;
  received: number;
}

interface CursorDoc {
  _id: string;
  until: Date;
}

/**
 * The reconciliation poll: the receipts each tenant's PSP lists for the window since the last run, each not yet
 * recorded (by its endToEndId, one read by `_id`) received like a webhook call's, so a receipt the webhook missed
 * or one without a txid (matched on the payer's document) is not left behind. The cursor moves only after the whole
 * window went through, so a failed run is repeated whole, which records nothing twice.
 */
export function createPixPoll(deps: PixPollDeps) {
  const cursors = deps.db.collection<CursorDoc>('pix_poll_cursors');
  const perPage = deps.perPage ?? 100;

  async function pollTenant(tenant: string, api: PixReceiptsApi, to: Date): Promise<PixPollRun> {
    const cursor = await cursors.findOne({ _id: tenant });
    const from = new Date(cursor ? cursor.until.getTime() - deps.overlapMs : to.getTime() - deps.firstLookbackMs);
    const run: PixPollRun = { tenant, from, to, listed: 0, known: 0, received: 0 };
    for (let page = 0; ; page++) {
      const answer = await api.received({ from, to, page, perPage });
      for (const receipt of answer.pix) {
        run.listed++;
        if (await deps.ledger.findPayment(`${tenant}:${receipt.endToEndId}`)) {
          run.known++;
          continue;
        }
        await receivePixReceipt(deps.matching, tenant, receipt, { source: deps.source, occurredAt: deps.clock.now() });
        run.received++;
      }
      if (page + 1 >= answer.parametros.paginacao.quantidadeDePaginas) break;
    }
    await cursors.updateOne({ _id: tenant }, { $set: { until: to } }, { upsert: true });
    return run;
  }

  return {
    /** One run over every tenant; a PSP that fails is tried again next run, from the same cursor. */
    async tick(): Promise<PixPollRun[]> {
      const to = deps.clock.now();
      const runs: PixPollRun[] = [];
      for (const [tenant, api] of deps.apis) {
        try {
          const run = await pollTenant(tenant, api, to);
          runs.push(run);
          if (run.received > 0) deps.logger.info({ ...run }, 'Pix receipts the webhook had not delivered: received from the poll');
        } catch (error) {
          deps.logger.warn({ tenant, err: (error as Error).message }, 'Pix poll failed: tried again next run from the same point');
        }
      }
      return runs;
    },
  };
}

export type PixPoll = ReturnType<typeof createPixPoll>;
