// The PSP's side of the Banco Central's Pix API that Régua reads: `GET /pix?inicio=…&fim=…`, the receipts of a
// time window, page by page. PSPs authenticate clients with mutual TLS and OAuth 2; the bearer token here is what
// that yields (a token proxy or the PSP's sandbox).
import axios from 'axios';
import { PixReceivedPageSchema, type PixReceivedPage } from '../domain/pix-webhook.ts';

export interface PixReceiptsApi {
  /** One page (from 0) of the receipts received in [from, to). */
  received(window: { from: Date; to: Date; page: number; perPage: number }): Promise<PixReceivedPage>;
}

export class PspUnavailableError extends Error {}

export function createPspPixApi(options: { url: string; token: string; timeoutMs: number }): PixReceiptsApi {
  const http = axios.create({
    baseURL: options.url.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
    validateStatus: () => true,
  });
  return {
    async received({ from, to, page, perPage }) {
      const params = { inicio: from.toISOString(), fim: to.toISOString(), 'paginacao.paginaAtual': page, 'paginacao.itensPorPagina': perPage };
      let response;
      try {
        response = await http.get('/pix', { params });
      } catch (error) {
        throw new PspUnavailableError(`PSP GET /pix failed: ${(error as Error).message}`, { cause: error });
      }
      if (response.status !== 200) throw new PspUnavailableError(`PSP GET /pix answered ${response.status}`);
      const parsed = PixReceivedPageSchema.safeParse(response.data);
      if (!parsed.success) throw new PspUnavailableError(`PSP GET /pix answered outside the contract: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    },
  };
}
