import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { barcodeOf, freeField, lineOf } from './boleto.ts';
import type { Random } from './random.ts';

/**
 * The request of `POST /cobrancas/v2/boletos`, shaped like Banco do Brasil's API Cobrança v2: the nosso número goes
 * as `numeroTituloCliente` (`000` + the 7-digit convênio + a 10-digit sequence), the due date as dd.mm.yyyy, the
 * amount as a decimal string with two places.
 */
export const RegisterBoletoSchema = z.object({
  numeroConvenio: z.string().regex(/^\d{7}$/),
  numeroCarteira: z.string().regex(/^\d{2}$/),
  numeroVariacaoCarteira: z.string().regex(/^\d{1,3}$/).optional(),
  agencia: z.string().regex(/^\d{4}$/).optional(),
  numeroTituloCliente: z.string().regex(/^000\d{17}$/),
  dataVencimento: z.string().regex(/^\d{2}\.\d{2}\.\d{4}$/),
  valorOriginal: z.string().regex(/^\d{1,8}\.\d{2}$/),
  pagador: z.object({ tipoInscricao: z.union([z.literal(1), z.literal(2)]), numeroInscricao: z.string().regex(/^[0-9A-Z]{11}([0-9A-Z]{3})?$/), nome: z.string().min(1).max(60) }),
  seuNumero: z.string().max(15).optional(),
});
export type RegisterBoleto = z.infer<typeof RegisterBoletoSchema>;

export type BoletoStatus = 'REGISTRADO' | 'BAIXADO';

/** A boleto as the bank keeps it. */
export interface StoredBoleto {
  numero: string;
  request: RegisterBoleto;
  amountCents: number;
  dueDate: string;
  codigoBarraNumerico: string;
  linhaDigitavel: string;
  status: BoletoStatus;
  registeredAt: string;
  writtenOffAt?: string;
}

/** One request as it came (without the Authorization header) and the status answered. */
export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  receivedAt: string;
  status?: number;
  /** A registration that created the boleto (not a repeat of one registered before). */
  registered?: boolean;
}

export interface BankState {
  token: string;
  bankCode: string;
  latencyMs: [number, number];
  failureRate: number;
  random: Random;
  boletos: Map<string, StoredBoleto>;
  /** Pix received on the account's keys, in arrival order (the bank is also the creditor's PSP). */
  pix: PixReceived[];
  journal: RecordedRequest[];
}

/** A Pix receipt as the Banco Central's Pix API lists it (`GET /pix`), with the payer as PSPs add it. */
export interface PixReceived {
  endToEndId: string;
  txid?: string;
  valor: string;
  horario: string;
  infoPagador?: string;
  pagador?: { cpf?: string; cnpj?: string; nome?: string };
}


const BASE = '/cobrancas/v2/boletos';

/** The express app, without listening. */
export function createBankApp(state: BankState): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ limit: '64kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/_standin/requests', (_req, res) => {
    res.json({ requests: state.journal });
  });
  app.get('/_standin/boletos', (_req, res) => {
    res.json({ boletos: [...state.boletos.values()] });
  });

  app.post('/_standin/pix', (req, res) => {
    state.pix.push(req.body as PixReceived);
    res.status(201).json({ received: state.pix.length });
  });

  // The Banco Central's Pix API: receipts whose horario is in [inicio, fim), a page at a time.
  app.get('/pix', (req, res) => {
    void handle(state, req, res, () => {
      const inicio = Date.parse(String(req.query.inicio));
      const fim = Date.parse(String(req.query.fim));
      if (Number.isNaN(inicio) || Number.isNaN(fim)) return error(400, 'ParametroInvalido', 'inicio e fim são datas ISO 8601 obrigatórias');
      const paginaAtual = Number(req.query['paginacao.paginaAtual'] ?? 0);
      const itensPorPagina = Number(req.query['paginacao.itensPorPagina'] ?? 100);
      if (!Number.isInteger(paginaAtual) || paginaAtual < 0 || !Number.isInteger(itensPorPagina) || itensPorPagina < 1 || itensPorPagina > 1000) return error(400, 'ParametroInvalido', 'paginação inválida');
      const inWindow = state.pix.filter((p) => Date.parse(p.horario) >= inicio && Date.parse(p.horario) < fim);
      const pix = inWindow.slice(paginaAtual * itensPorPagina, (paginaAtual + 1) * itensPorPagina);
      const parametros = { inicio: new Date(inicio).toISOString(), fim: new Date(fim).toISOString(), paginacao: { paginaAtual, itensPorPagina, quantidadeDePaginas: Math.ceil(inWindow.length / itensPorPagina), quantidadeTotalDeItens: inWindow.length } };
      return { status: 200, body: { parametros, pix } };
    });
  });

  app.post(BASE, (req, res) => {
    void handle(state, req, res, (record) => {
      const parsed = RegisterBoletoSchema.safeParse(req.body);
      if (!parsed.success) return error(400, '4874915', `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      const request = parsed.data;
      if (request.numeroTituloCliente.slice(3, 10) !== request.numeroConvenio) return error(400, '4678420', 'numeroTituloCliente deve começar por 000 e o número do convênio');
      const numero = request.numeroTituloCliente;
      const earlier = state.boletos.get(numero);
      if (earlier) {
        const same = earlier.request.valorOriginal === request.valorOriginal && earlier.request.dataVencimento === request.dataVencimento && earlier.request.pagador.numeroInscricao === request.pagador.numeroInscricao;
        return same ? { status: 200, body: registered(earlier) } : error(409, '4874917', `nosso número ${numero} já registrado com outros dados`);
      }
      const [day, month, year] = request.dataVencimento.split('.') as [string, string, string];
      const dueDate = `${year}-${month}-${day}`;
      const amountCents = Number(request.valorOriginal.replace('.', ''));
      const codigoBarraNumerico = barcodeOf(state.bankCode, dueDate, amountCents, freeField(numero.slice(3), request.numeroCarteira));
      const boleto: StoredBoleto = { numero, request, amountCents, dueDate, codigoBarraNumerico, linhaDigitavel: lineOf(codigoBarraNumerico), status: 'REGISTRADO', registeredAt: new Date().toISOString() };
      state.boletos.set(numero, boleto);
      record.registered = true;
      return { status: 201, body: registered(boleto) };
    });
  });

  app.get(`${BASE}/:numero`, (req, res) => {
    void handle(state, req, res, () => {
      const boleto = state.boletos.get(req.params.numero as string);
      return boleto ? { status: 200, body: { ...registered(boleto), valorOriginal: boleto.request.valorOriginal, dataVencimento: boleto.request.dataVencimento, ...(boleto.writtenOffAt ? { dataBaixa: boleto.writtenOffAt } : {}) } } : error(404, '4874918', 'boleto não encontrado');
    });
  });

  app.post(`${BASE}/:numero/baixar`, (req, res) => {
    void handle(state, req, res, () => {
      const boleto = state.boletos.get(req.params.numero as string);
      if (!boleto) return error(404, '4874918', 'boleto não encontrado');
      if (boleto.status !== 'BAIXADO') Object.assign(boleto, { status: 'BAIXADO', writtenOffAt: new Date().toISOString() });
      return { status: 200, body: { numero: boleto.numero, status: boleto.status, dataBaixa: boleto.writtenOffAt } };
    });
  });

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ erros: [{ codigo: '404', mensagem: 'not found' }] });
  });
  return app;
}

type Answer = { status: number; body: unknown };

function registered(boleto: StoredBoleto) {
  return { numero: boleto.numero, numeroCarteira: boleto.request.numeroCarteira, linhaDigitavel: boleto.linhaDigitavel, codigoBarraNumerico: boleto.codigoBarraNumerico, status: boleto.status };
}

function error(status: number, codigo: string, mensagem: string): Answer {
  return { status, body: { erros: [{ codigo, mensagem }] } };
}

/**
 * Records the request, checks the bearer token, waits the latency, and meets a fault at `failureRate`: a 503, half
 * of them after doing the work (the outcome a client cannot know, which idempotency by nosso número resolves).
 */
async function handle(state: BankState, req: Request, res: Response, work: (record: RecordedRequest) => Answer): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (name !== 'authorization' && typeof value === 'string') headers[name] = value;
  const record: RecordedRequest = { seq: state.journal.length + 1, method: req.method, path: req.originalUrl, headers, body: req.body as unknown, receivedAt: new Date().toISOString() };
  state.journal.push(record);
  const reply = ({ status, body }: Answer) => {
    record.status = status;
    if (!res.headersSent && !res.destroyed) res.status(status).json(body);
  };
  if (req.headers.authorization !== `Bearer ${state.token}`) return reply({ status: 401, body: { erros: [{ codigo: '401', mensagem: 'token inválido' }] } });
  const [low, high] = state.latencyMs;
  await new Promise((resolve) => setTimeout(resolve, low + state.random() * (high - low)));
  const fault = state.random() < state.failureRate;
  if (fault && state.random() < 0.5) return reply({ status: 503, body: { erros: [{ codigo: '503', mensagem: 'serviço indisponível' }] } });
  const answer = work(record);
  reply(fault ? { status: 503, body: { erros: [{ codigo: '503', mensagem: 'serviço indisponível' }] } } : answer);
}
