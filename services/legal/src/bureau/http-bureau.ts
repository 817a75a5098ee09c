import axios, { isAxiosError, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { BureauRefusedError, BureauUnavailableError, NoticeAnswerSchema, RegistrationAnswerSchema, type BureauRegistry } from './contract.ts';

export interface HttpBureauOptions {
  name: string;
  url: string;
  token: string;
  /** Per attempt, connection to last byte. */
  timeoutMs: number;
  /** Attempts after the first, for answers worth retrying. */
  retries: number;
  /** The first retry's delay; each next one doubles. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A credit bureau's registration API over HTTP (contract.ts). Every request is idempotent at the bureau (by the
 * external reference, or by protocol), so a retry after a timeout cannot register a debt twice.
 */
export function createHttpBureau(options: HttpBureauOptions): BureauRegistry {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const backoffMs = options.backoffMs ?? 200;
  const http = axios.create({
    baseURL: options.url.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', accept: 'application/json' },
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
  });

  async function call<S extends z.ZodType>(method: 'get' | 'post', path: string, body: unknown, schema: S): Promise<z.output<S>> {
    let last = 'no attempt';
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1));
      let response: AxiosResponse;
      try {
        response = method === 'get' ? await http.get(path) : await http.post(path, body);
      } catch (error) {
        last = isAxiosError(error) ? (error.code ?? error.message) : (error as Error).message;
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        last = `HTTP ${response.status}`;
        continue;
      }
      if (response.status >= 300) {
        const data = response.data as { error?: unknown; message?: unknown } | undefined;
        throw new BureauRefusedError(response.status, `bureau refused ${method.toUpperCase()} ${path}: HTTP ${response.status} ${String(data?.message ?? data?.error ?? '')}`.trim());
      }
      const parsed = schema.safeParse(response.data);
      if (!parsed.success) throw new BureauUnavailableError(`bureau answered ${path} with an unexpected body`, parsed.error);
      return parsed.data;
    }
    throw new BureauUnavailableError(`bureau unavailable for ${method.toUpperCase()} ${path} after ${options.retries + 1} attempts: ${last}`);
  }

  return {
    name: options.name,
    requestNotice: (request) => call('post', '/v1/debt-notices', request, NoticeAnswerSchema),
    register: (request) => call('post', '/v1/registrations', request, RegistrationAnswerSchema),
    withdraw: (protocol, reason) => call('post', `/v1/registrations/${encodeURIComponent(protocol)}/withdrawal`, { reason }, RegistrationAnswerSchema),
    status: (protocol) => call('get', `/v1/registrations/${encodeURIComponent(protocol)}`, undefined, RegistrationAnswerSchema),
  };
}
