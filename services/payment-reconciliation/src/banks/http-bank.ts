import axios, { isAxiosError } from 'axios';
import CircuitBreaker from 'opossum';
import { AppError, RetriableError } from '@regua/errors';
import type { Logger } from '@regua/telemetry';
import { dueDateFactor, parseBarcode, parseDigitableLine } from '../domain/boleto.ts';
import { BOLETOS_PATH, RegisteredAnswerSchema } from './contract.ts';
import { decideRetry, type AttemptFailure, type RetryPolicy } from './policy.ts';

export interface BoletoRequest {
  /** The 17-digit nosso número: the convênio's 7 digits and a 10-digit sequence. */
  ourNumber: string;
  /** Returned by the bank in its CNAB files (at most 15 characters). */
  seuNumero?: string;
  dueDate: string;
  amountCents: number;
  payer: { name: string; document: string };
}

export interface RegisteredBoleto {
  ourNumber: string;
  digitableLine: string;
  barcode: string;
  status: string;
}

/** The port boletos are registered through. */
export interface BoletoBank {
  readonly bankCode: string;
  readonly agreement: string;
  /** Registers the boleto, or answers the one registered before under this nosso número with the same data. */
  register(request: BoletoRequest): Promise<RegisteredBoleto>;
  /** Writes the boleto off (baixa), so it can no longer be paid. */
  writeOff(ourNumber: string): Promise<void>;
  close(): void;
}

/** The bank could not be reached this time (retries spent, or circuit open): worth trying later. */
export class BankUnavailableError extends RetriableError {}

/** The bank refused the request, or answered something that contradicts it: trying again will not help. */
export class BankRejectedError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('internal', message, { cause });
  }
}

export interface HttpBankOptions {
  url: string;
  token: string;
  bankCode: string;
  agency: string;
  /** The convênio, 7 digits. */
  agreement: string;
  wallet: string;
  walletVariation?: string | undefined;
  timeoutMs: number;
  retry: RetryPolicy;
  breaker: { failures: number; resetMs: number; windowMs: number };
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
}

class AttemptError extends Error {
  readonly failure: AttemptFailure;
  constructor(failure: AttemptFailure, cause?: unknown) {
    super(`bank attempt failed: ${failure.kind === 'status' ? `HTTP ${failure.status}` : failure.kind}`, { cause });
    this.failure = failure;
  }
}

type Call = { method: 'post' | 'get'; path: string; body?: unknown; ok: readonly number[] };

/**
 * A bank's cobrança API over HTTP (contract.ts): axios with a timeout per attempt, every attempt through one opossum
 * circuit breaker, retries as policy.ts decides. The bank's barcode and linha digitável are checked against Régua's
 * own numbering (check digits, bank, amount, due-date factor) before they are believed.
 */
export function createHttpBank(options: HttpBankOptions): BoletoBank {
  if (!/^\d{7}$/.test(options.agreement)) throw new Error('the bank agreement (convênio) has 7 digits');
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  const http = axios.create({
    baseURL: options.url.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', accept: 'application/json' },
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
  });

  async function attempt(call: Call): Promise<unknown> {
    let response;
    try {
      response = call.method === 'post' ? await http.post(call.path, call.body ?? {}) : await http.get(call.path);
    } catch (error) {
      const code = isAxiosError(error) ? error.code : undefined;
      throw new AttemptError({ kind: code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? 'timeout' : 'network' }, error);
    }
    if (!call.ok.includes(response.status)) {
      const retryAfter = response.headers['retry-after'] as unknown;
      throw new AttemptError({ kind: 'status', status: response.status, ...(typeof retryAfter === 'string' ? { retryAfter } : {}) }, response.data);
    }
    return response.data as unknown;
  }

  const breaker = new CircuitBreaker(attempt, {
    name: 'bank',
    timeout: false,
    volumeThreshold: options.breaker.failures,
    errorThresholdPercentage: 50,
    resetTimeout: options.breaker.resetMs,
    rollingCountTimeout: options.breaker.windowMs,
    rollingCountBuckets: 10,
    // A refusal (4xx) is the bank working: only outages count towards opening the circuit.
    errorFilter: (error: unknown) => error instanceof AttemptError && error.failure.kind === 'status' && error.failure.status < 500 && error.failure.status !== 429,
  });
  const log = options.logger.child({ component: 'bank' });
  breaker.on('open', () => log.warn({ resetMs: options.breaker.resetMs }, 'bank circuit opened: boleto calls skipped until a trial succeeds'));
  breaker.on('close', () => log.info('bank circuit closed: boleto calls resumed'));

  async function send(call: Call): Promise<unknown> {
    for (let n = 0; ; n++) {
      try {
        return await breaker.fire(call);
      } catch (error) {
        const failure: AttemptFailure = error instanceof AttemptError ? error.failure : isOpenCircuit(error) ? { kind: 'breaker-open' } : { kind: 'network' };
        const decision = decideRetry(failure, n, options.retry, now(), random);
        if (decision.retry) {
          await sleep(decision.delayMs);
          continue;
        }
        const message = `bank ${call.method.toUpperCase()} ${call.path} failed: ${decision.reason}`;
        if (failure.kind === 'status' && failure.status < 500 && failure.status !== 429) throw new BankRejectedError(`${message} ${JSON.stringify(error instanceof AttemptError ? error.cause : undefined)}`, error);
        throw new BankUnavailableError(message, error);
      }
    }
  }

  const titleNumber = (ourNumber: string) => `000${ourNumber}`;

  return {
    bankCode: options.bankCode,
    agreement: options.agreement,

    async register(request) {
      if (!/^\d{17}$/.test(request.ourNumber) || !request.ourNumber.startsWith(options.agreement)) throw new BankRejectedError(`nosso número ${request.ourNumber} is not 17 digits starting with the convênio`);
      const [year, month, day] = request.dueDate.split('-');
      const document = request.payer.document.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
      const body = {
        numeroConvenio: options.agreement,
        numeroCarteira: options.wallet,
        ...(options.walletVariation ? { numeroVariacaoCarteira: options.walletVariation } : {}),
        agencia: options.agency,
        numeroTituloCliente: titleNumber(request.ourNumber),
        dataVencimento: `${day}.${month}.${year}`,
        valorOriginal: `${Math.floor(request.amountCents / 100)}.${String(request.amountCents % 100).padStart(2, '0')}`,
        pagador: { tipoInscricao: document.length === 11 ? 1 : 2, numeroInscricao: document, nome: request.payer.name.slice(0, 60) },
        ...(request.seuNumero ? { seuNumero: request.seuNumero } : {}),
      };
      const parsed = RegisteredAnswerSchema.safeParse(await send({ method: 'post', path: BOLETOS_PATH, body, ok: [200, 201] }));
      if (!parsed.success) throw new BankRejectedError(`bank answer to a registration does not match the contract: ${parsed.error.issues[0]?.message}`);
      const answer = parsed.data;
      // The bank's numbers are checked, not trusted: a wrong digit here means a boleto nobody can pay.
      let barcode: string;
      try {
        barcode = parseDigitableLine(answer.linhaDigitavel);
        const parts = parseBarcode(answer.codigoBarraNumerico);
        const problems = [
          barcode !== answer.codigoBarraNumerico && 'the linha digitável and the barcode disagree',
          parts.bankCode !== options.bankCode && `bank ${parts.bankCode}, expected ${options.bankCode}`,
          parts.amountCents !== request.amountCents && `amount ${parts.amountCents}, expected ${request.amountCents}`,
          parts.dueDateFactor !== dueDateFactor(request.dueDate) && `due-date factor ${parts.dueDateFactor}, expected ${dueDateFactor(request.dueDate)}`,
          answer.numero !== titleNumber(request.ourNumber) && `nosso número ${answer.numero}, expected ${titleNumber(request.ourNumber)}`,
        ].filter(Boolean);
        if (problems.length > 0) throw new BankRejectedError(`bank registered boleto ${request.ourNumber} wrongly: ${problems.join('; ')}`);
      } catch (error) {
        if (error instanceof BankRejectedError) throw error;
        throw new BankRejectedError(`bank answered an invalid boleto for ${request.ourNumber}: ${(error as Error).message}`, error);
      }
      return { ourNumber: request.ourNumber, digitableLine: answer.linhaDigitavel, barcode, status: answer.status };
    },

    async writeOff(ourNumber) {
      await send({ method: 'post', path: `${BOLETOS_PATH}/${titleNumber(ourNumber)}/baixar`, ok: [200] });
    },

    close() {
      breaker.shutdown();
    },
  };
}

function isOpenCircuit(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error.code === 'EOPENBREAKER' || error.code === 'ESHUTDOWN');
}
