import { productionSecretProblems, tenantSecrets } from '@regua/auth';
import { ServiceEnvSchema, z } from '@regua/config';
import { classifyPixKey } from './domain/pix-brcode.ts';

const MiB = 1024 * 1024;

export const PaymentReconciliationEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8085),
  /** How long a payment that matches no invoice waits for it (parked) before it goes to an operator; fractions allowed. */
  PAYMENT_PARK_WINDOW_HOURS: z.coerce.number().positive().default(72),
  /** How often parked payments are matched again. */
  PAYMENT_PARK_SWEEP_MS: z.coerce.number().int().positive().default(5000),
  /**
   * How long the broker may hold the fetches of the invoices and instruments groups (receivables, case plans and their
   * instruments: no debtor waits on them) to gather more events, so a run's writes are shared under light load; the
   * payments group always answers at once. 0: at once.
   */
  PAYMENT_LEDGER_FETCH_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(500),
  /** Tenants whose bank reports payments on its own Kafka topic (`bank.<tenant>.payments.received.v1`). */
  PAYMENT_BANK_TENANTS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((t) => t.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[\w.-]{1,64}$/, 'tenants are letters, digits, . _ -'))),
  PAYMENT_API_KEYS: tenantSecrets('key')
    .default(new Map())
    .describe('tenant:key pairs, comma-separated, for the CNAB 240 upload (x-api-key); in production each key has 32+ characters and is not a demo value. Unset: no tenant may upload'),
  PAYMENT_PIX_WEBHOOK_SECRETS: tenantSecrets('secret')
    .default(new Map())
    .describe("tenant:secret pairs: a call to a tenant's Pix webhook carries X-Regua-Signature: sha256=<HMAC-SHA256 of the raw body under its secret>; in production 32+ characters, not a demo value. Unset: every call is refused"),
  PAYMENT_GATEWAY_WEBHOOK_SECRETS: tenantSecrets('secret')
    .default(new Map())
    .describe("tenant:secret pairs: a call to a tenant's card/gateway webhook (/v1/webhooks/gateway/<tenant>) carries X-Regua-Signature: sha256=<HMAC-SHA256 of the raw body under its secret>; in production 32+ characters, not a demo value. Unset: every call is refused"),
  PAYMENT_MATCH_WINDOW_DAYS: z.coerce.number().int().min(0).max(366).default(60).describe("a payment naming no invoice is matched on its payer's document only to an invoice due within this many days (either side) of the payment's date"),
  PAYMENT_CNAB_MAX_BYTES: z.coerce.number().int().positive().default(32 * MiB).describe('largest CNAB 240 return file, uploaded (413) or in the inbox (rejected); read as a stream, so memory does not grow with it (100,000 lines of 242 bytes: about 24 MB)'),
  PAYMENT_CNAB_INBOX_DIR: z.string().min(1).optional().describe('a folder with one subfolder per tenant where banks drop return files (*.ret, *.txt); each is processed like an upload and moved to processed/ or rejected/ beside it. Unset: no inbox'),
  PAYMENT_CNAB_INBOX_INTERVAL_MS: z.coerce.number().int().positive().default(30_000).describe('how often the inbox is scanned'),
  PAYMENT_CNAB_INBOX_SETTLE_MS: z.coerce.number().int().min(0).default(10_000).describe('a file is picked up only once unchanged this long, so one still being written is left alone'),
  PAYMENT_SELF_SERVICE_SECRET: z
    .string()
    .min(16)
    .default('dev-self-service-secret-change-me')
    .describe("verifies the debtors' self-service links (/negociar/<token>); the same secret as notification's NOTIFICATION_SELF_SERVICE_SECRET, which signs them; in production 32+ characters, not the development default"),
  PAYMENT_AGREEMENT_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(5).describe('calendar days after an installment\'s due date before an unpaid installment breaks its agreement'),
  PAYMENT_AGREEMENT_SWEEP_MS: z.coerce.number().int().positive().default(60_000).describe('how often active agreements are checked for a missed installment'),
  PAYMENT_PIX_KEY: z
    .string()
    .default('7d9f0335-8dcc-4054-9bf9-0dbd61d36906')
    .refine((key) => pixKeyProblem(key) === undefined, { message: 'must be a Pix key: CPF, CNPJ, e-mail, +55 mobile or random key (EVP)' })
    .describe("the creditor's Pix key the agreements' BR Codes pay to"),
  PAYMENT_PIX_PSP_URL: z.url().optional().describe("the PSP's Pix API (Banco Central's GET /pix?inicio&fim) polled for receipts the webhook missed or that carry no txid; unset: no poll"),
  PAYMENT_PIX_PSP_TOKEN: z.string().min(1).default('demo-psp-token-change-me').describe("the bearer token of the PSP's Pix API; in production not the demo value"),
  PAYMENT_PIX_POLL_TENANTS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((t) => t.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[\w.-]{1,64}$/, 'tenants are letters, digits, . _ -')))
    .describe("tenants whose receipts are polled from PAYMENT_PIX_PSP_URL, comma-separated"),
  PAYMENT_PIX_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(300_000).describe('how often the PSP is polled'),
  PAYMENT_PIX_POLL_OVERLAP_MINUTES: z.coerce.number().int().min(0).max(1440).default(30).describe('each poll window starts this long before the last one ended: PSPs list some receipts late'),
  PAYMENT_PIX_POLL_LOOKBACK_HOURS: z.coerce.number().int().positive().max(24 * 30).default(24).describe("a tenant's first poll looks back this far"),
  PAYMENT_PIX_MERCHANT_NAME: z.string().min(1).max(25).default('Regua Cobrancas').describe('the receiver name in BR Codes (field 59, at most 25 characters, accents dropped)'),
  PAYMENT_PIX_MERCHANT_CITY: z.string().min(1).max(15).default('Sao Paulo').describe('the receiver city in BR Codes (field 60, at most 15 characters)'),
  PAYMENT_CASE_INSTRUMENT_DAYS: z.coerce.number().int().min(1).max(60).default(5).describe("calendar days from issue to the due date of a case's own Pix BR Code and boleto"),
  PAYMENT_BANK_URL: z.url().optional().describe("the bank's cobrança API (POST /cobrancas/v2/boletos) that registers the cases' boletos; unset: no boletos are issued, only Pix"),
  PAYMENT_BANK_TOKEN: z.string().min(1).default('demo-bank-token-change-me').describe("the bearer token of the bank's API; in production not the demo value"),
  PAYMENT_BANK_CODE: z.string().regex(/^\d{3}$/).default('001').describe("the bank's three-digit code (001 Banco do Brasil)"),
  PAYMENT_BANK_AGENCY: z.string().regex(/^\d{4}$/).default('0001').describe('the agency of the collection account'),
  PAYMENT_BANK_AGREEMENT: z.string().regex(/^\d{7}$/).default('1234567').describe('the convênio (7 digits): the first digits of every nosso número'),
  PAYMENT_BANK_WALLET: z.string().regex(/^\d{2}$/).default('17').describe('the carteira the boletos are registered in'),
  PAYMENT_BANK_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000).describe('per attempt, to the bank'),
  PAYMENT_CREDITOR_NAME: z.string().min(1).max(120).default('Régua Cobranças').describe('the creditor named on the self-service page and in the agreement terms'),
}).superRefine((env, ctx) => {
  if (env.PAYMENT_PIX_POLL_TENANTS.length > 0 && !env.PAYMENT_PIX_PSP_URL) ctx.addIssue({ code: 'custom', path: ['PAYMENT_PIX_PSP_URL'], message: 'PAYMENT_PIX_POLL_TENANTS needs the PSP to poll' });
  // Production never runs on the credentials the demo, docker-compose and README publish, nor on guessable ones.
  if (env.NODE_ENV !== 'production') return;
  for (const message of productionSecretProblems(env.PAYMENT_API_KEYS, 'key')) ctx.addIssue({ code: 'custom', path: ['PAYMENT_API_KEYS'], message });
  for (const message of productionSecretProblems(env.PAYMENT_PIX_WEBHOOK_SECRETS, 'secret')) ctx.addIssue({ code: 'custom', path: ['PAYMENT_PIX_WEBHOOK_SECRETS'], message });
  for (const message of productionSecretProblems(env.PAYMENT_GATEWAY_WEBHOOK_SECRETS, 'secret')) ctx.addIssue({ code: 'custom', path: ['PAYMENT_GATEWAY_WEBHOOK_SECRETS'], message });
  if (env.PAYMENT_PIX_PSP_URL && env.PAYMENT_PIX_PSP_TOKEN.startsWith('demo-')) ctx.addIssue({ code: 'custom', path: ['PAYMENT_PIX_PSP_TOKEN'], message: "must be the PSP's token in production, not the demo value" });
  if (env.PAYMENT_BANK_URL && env.PAYMENT_BANK_TOKEN.startsWith('demo-')) ctx.addIssue({ code: 'custom', path: ['PAYMENT_BANK_TOKEN'], message: "must be the bank's token in production, not the demo value" });
  if (env.PAYMENT_SELF_SERVICE_SECRET.startsWith('dev-') || env.PAYMENT_SELF_SERVICE_SECRET.length < 32) {
    ctx.addIssue({ code: 'custom', path: ['PAYMENT_SELF_SERVICE_SECRET'], message: 'must be set to a secret of at least 32 characters in production (the development default is public)' });
  }
});

function pixKeyProblem(key: string): string | undefined {
  try {
    classifyPixKey(key);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export type PaymentReconciliationEnv = z.output<typeof PaymentReconciliationEnvSchema>;
