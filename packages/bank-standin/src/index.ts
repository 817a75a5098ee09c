// A bank's boleto registration API (and, as the creditor's PSP, its Pix receipts) for the demo and the tests (app.ts has the wire shape). It computes the barcode
// and the linha digitável itself (boleto.ts), from its bank code, the due date, the amount and a free field of the
// convênio's layout, never from what the client sends: Régua checks the bank's answer against its own numbering.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBankApp, type BankState, type PixReceived, type RecordedRequest, type StoredBoleto } from './app.ts';
import { seededRandom } from './random.ts';

export { RegisterBoletoSchema, type PixReceived, type RecordedRequest, type RegisterBoleto, type StoredBoleto } from './app.ts';

export interface BankStandInOptions {
  port?: number;
  host?: string;
  /** The bearer token it accepts. */
  token: string;
  /** The bank's three-digit code the barcodes carry (default 001, Banco do Brasil). */
  bankCode?: string;
  /** Each answer waits uniformly between these (ms); default 50–300. */
  latencyMs?: [number, number];
  /** Share of requests answered 503 (half of them after doing the work); default 0. */
  failureRate?: number;
  seed?: number;
}

export interface BankStandIn {
  url: string;
  /** Every request received, in order (Authorization left out). */
  requests(): RecordedRequest[];
  /** Boletos the bank holds, by nosso número (`numeroTituloCliente`). */
  boletos(): StoredBoleto[];
  /** How many registrations created this boleto (1 at most, whatever the repeats). */
  registrations(numero: string): number;
  /** A Pix arrives on the account (listed by `GET /pix`; the webhook is the caller's to send). */
  receivePix(receipt: PixReceived): void;
  setFailureRate(rate: number): void;
  setLatency(range: [number, number]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startBankStandIn(options: BankStandInOptions): Promise<BankStandIn> {
  const state: BankState = {
    token: options.token,
    bankCode: options.bankCode ?? '001',
    latencyMs: options.latencyMs ?? [50, 300],
    failureRate: options.failureRate ?? 0,
    random: seededRandom(options.seed ?? 1),
    boletos: new Map(),
    pix: [],
    journal: [],
  };
  const app = createBankApp(state);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => state.journal,
    boletos: () => [...state.boletos.values()],
    registrations: (numero) => state.journal.filter((r) => r.registered && (r.body as { numeroTituloCliente?: string }).numeroTituloCliente === numero).length,
    receivePix(receipt) {
      state.pix.push(receipt);
    },
    setFailureRate(rate) {
      state.failureRate = rate;
    },
    setLatency(range) {
      state.latencyMs = range;
    },
    reset() {
      state.journal.length = 0;
      state.boletos.clear();
      state.pix.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
