import { z } from 'zod';
import { CepSchema, CnpjSchema, formatCnpj, UfSchema } from '@regua/contracts';
import { ChannelSchema, IdSchema, type Channel, type ConfigIssue } from './cadence-spec.ts';
import { formatBrl, formatDateBr } from './templates.ts';

export { formatCnpj };

/**
 * Message templates as tenant data: text with `{{variable}}` placeholders, and sections for what a message may
 * lack. `{{#pixCopiaECola}}…{{/pixCopiaECola}}` shows its content only when the message has a Pix code,
 * `{{^pixCopiaECola}}…{{/pixCopiaECola}}` only when it has none. A section tag alone on its line takes the line
 * with it. Sections over inline text (rather than dropping lines that name a missing value) keep one-line texts such
 * as an SMS whole when an instrument is missing.
 */

/** PostgreSQL (under FerretDB) refuses U+0000 in a document: text with it is refused here, not by the store (a 500). */
const NO_NUL = [/^[^\u0000]*$/, 'must not contain the NUL character (U+0000)'] as const;

export const TEMPLATE_VARIABLES = [
  'primeiroNome',
  'credorNome',
  'credorCnpj',
  'credorEndereco',
  'valorTotal',
  'quantidadeFaturas',
  'vencimentoMaisAntigo',
  'diasEmAtraso',
  'linkAutoatendimento',
  'pixCopiaECola',
  'boletoLinhaDigitavel',
  'parcelaNumero',
  'parcelaValor',
  'parcelaVencimento',
] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** Variables a message may lack, by what brings them: each may only be used inside a section that checks for it. */
const OPTIONAL_GROUPS: Record<string, readonly TemplateVariable[]> = {
  pix: ['pixCopiaECola'],
  boleto: ['boletoLinhaDigitavel'],
  installment: ['parcelaNumero', 'parcelaValor', 'parcelaVencimento'],
};
const groupOf = (name: TemplateVariable) => Object.entries(OPTIONAL_GROUPS).find(([, names]) => names.includes(name))?.[0];

export const MessageTemplateSchema = z
  .object({
    id: IdSchema,
    /** Only for this channel; a template without one may go out on any channel. */
    channel: ChannelSchema.optional(),
    /** E-mail only. */
    subject: z.string().max(200).regex(...NO_NUL).optional(),
    body: z.string().max(4000).regex(...NO_NUL),
  })
  .strict();

export type MessageTemplate = z.output<typeof MessageTemplateSchema>;

export const AddressSchema = z
  .object({
    street: z.string().trim().min(1).max(120).regex(...NO_NUL),
    number: z.string().trim().min(1).max(20).regex(...NO_NUL),
    complement: z.string().trim().min(1).max(80).regex(...NO_NUL).optional(),
    district: z.string().trim().min(1).max(80).regex(...NO_NUL),
    city: z.string().trim().min(1).max(80).regex(...NO_NUL),
    uf: UfSchema,
    cep: CepSchema,
  })
  .strict();

export type Address = z.output<typeof AddressSchema>;

/** Who collects, as every collection message must say (CDC art. 42-A): name, CNPJ and address. */
export const CreditorProfileSchema = z.object({ name: z.string().trim().min(1).max(120).regex(...NO_NUL), cnpj: CnpjSchema, address: AddressSchema }).strict();

export type CreditorProfile = z.output<typeof CreditorProfileSchema>;

const IsoDate = z.iso.date();
const Cents = z.number().int().nonnegative();

export const MessageDataSchema = z
  .object({
    /** The debtor's full name; messages greet by the first. */
    debtorName: z.string().trim().min(1),
    /** `address` absent: the creditor has no profile registered yet (development only; production refuses to send). */
    creditor: z.object({ name: z.string().min(1), cnpj: z.string().min(1), address: AddressSchema.optional() }).strict(),
    /** The case's open invoices (at least one). */
    invoices: z.array(z.object({ amountCents: Cents, dueDate: IsoDate }).strict()).min(1),
    /** The day the message goes out (debtor's calendar), for the days overdue. */
    today: IsoDate,
    selfServiceLink: z.url(),
    pixCopiaECola: z.string().min(1).optional(),
    boletoLinhaDigitavel: z.string().min(1).optional(),
    installment: z.object({ number: z.number().int().positive(), count: z.number().int().positive().optional(), amountCents: Cents, dueDate: IsoDate }).strict().optional(),
  })
  .strict();

export type MessageData = z.output<typeof MessageDataSchema>;

export interface RenderedMessage {
  subject?: string;
  text: string;
}

type Node = { kind: 'text'; text: string } | { kind: 'var'; name: TemplateVariable } | { kind: 'section'; name: TemplateVariable; inverted: boolean; children: Node[] };

interface Parsed {
  nodes: Node[];
  issues: string[];
  /** Variables used outside every section: always in the text. */
  unconditional: Set<TemplateVariable>;
}

const TAG = /\{\{([^{}]*)\}\}/g;
const STANDALONE_SECTION_TAG = /^[ \t]*(\{\{\s*[#^/][^{}]*\}\})[ \t]*\r?\n/gm;
const isVariable = (name: string): name is TemplateVariable => (TEMPLATE_VARIABLES as readonly string[]).includes(name);

function parse(source: string): Parsed {
  const issues: string[] = [];
  const unconditional = new Set<TemplateVariable>();
  const root: Node[] = [];
  const stack: Array<{ name: TemplateVariable; inverted: boolean; children: Node[] }> = [];
  const current = () => stack.at(-1)?.children ?? root;
  const text = (chunk: string) => {
    if (/[{}]/.test(chunk)) issues.push(`unbalanced braces near "${chunk.trim().slice(0, 30)}": placeholders are written {{variable}}`);
    if (chunk) current().push({ kind: 'text', text: chunk });
  };
  const prepared = source.replace(STANDALONE_SECTION_TAG, '$1');
  let last = 0;
  for (const match of prepared.matchAll(TAG)) {
    text(prepared.slice(last, match.index));
    last = match.index + match[0].length;
    const tag = (match[1] ?? '').trim();
    const sigil = /^[#^/]/.test(tag) ? tag.charAt(0) : '';
    const name = tag.slice(sigil.length).trim();
    if (!isVariable(name)) {
      issues.push(/^[A-Za-z]\w*$/.test(name) ? `unknown variable {{${name}}}` : `malformed placeholder {{${tag}}}`);
      continue;
    }
    const group = groupOf(name);
    if (sigil === '#' || sigil === '^') {
      if (!group) issues.push(`{{${sigil}${name}}}: only a value a message may lack opens a section (${Object.values(OPTIONAL_GROUPS).flat().join(', ')})`);
      stack.push({ name, inverted: sigil === '^', children: [] });
    } else if (sigil === '/') {
      const open = stack.pop();
      if (!open || open.name !== name) {
        issues.push(open ? `{{/${name}}} closes {{#${open.name}}}: sections close in the order they open` : `{{/${name}}} closes no section`);
        if (open) stack.push(open);
        continue;
      }
      current().push({ kind: 'section', ...open });
    } else {
      if (group && !stack.some((s) => !s.inverted && groupOf(s.name) === group)) issues.push(`{{${name}}} may be missing from a message: put it inside {{#${name}}}…{{/${name}}}`);
      if (stack.length === 0) unconditional.add(name);
      current().push({ kind: 'var', name });
    }
  }
  text(prepared.slice(last));
  for (const open of stack) issues.push(`{{${open.inverted ? '^' : '#'}${open.name}}} is never closed with {{/${open.name}}}`);
  return { nodes: root, issues, unconditional };
}

/** Words that threaten or shame a debtor (CDC art. 42), never acceptable in a collection message. */
const ABUSIVE = /\b(calote\w*|caloteir\w*|vergonh\w*|humilha\w*|pris[aã]o|cadeia|pol[ií]cia|delegacia|crime|criminos\w*)\b/iu;

/** Longest SMS body: three concatenated GSM-7 segments, rounded. */
export const SMS_MAX_CHARS = 480;

/**
 * What every template must meet. The creditor's name and CNPJ appear outside any section in every body (CDC
 * art. 42-A), and so does its address in an e-mail, or in a template without a channel (it may go out by e-mail). In
 * a short channel (SMS, WhatsApp, voice) the address may be left to the self-service page instead, which shows the
 * creditor's full identification, when the body links to it: an address would take a fifth of an SMS.
 * An SMS body (or one without a channel) must fit in 480 characters as rendered for the sample message, without Pix
 * (a Pix code does not belong in an SMS).
 */
export function validateTemplate(input: unknown): { success: true; data: MessageTemplate } | { success: false; issues: ConfigIssue[] } {
  const parsed = MessageTemplateSchema.safeParse(input);
  if (!parsed.success) return { success: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), message: i.message })) };
  const template = parsed.data;
  const issues: ConfigIssue[] = [];
  const body = parse(template.body);
  new Set(body.issues).forEach((message) => issues.push({ path: ['body'], message }));
  if (template.subject !== undefined) {
    if (template.channel !== undefined && template.channel !== 'email') issues.push({ path: ['subject'], message: 'only e-mails have a subject' });
    new Set(parse(template.subject).issues).forEach((message) => issues.push({ path: ['subject'], message }));
    if (/[\r\n]/.test(template.subject)) issues.push({ path: ['subject'], message: 'a subject is one line' });
  } else if (template.channel === 'email') issues.push({ path: ['subject'], message: 'an e-mail needs a subject' });
  if (template.body.trim() === '') issues.push({ path: ['body'], message: 'the body is empty' });
  const abusive = ABUSIVE.exec(`${template.subject ?? ''} ${template.body}`);
  if (abusive) issues.push({ path: ['body'], message: `"${abusive[0]}": collection messages must not threaten or embarrass (CDC art. 42)` });
  for (const name of ['credorNome', 'credorCnpj'] as const) {
    if (!body.unconditional.has(name)) issues.push({ path: ['body'], message: `{{${name}}} is required outside any section: every collection message identifies the creditor (CDC art. 42-A)` });
  }
  const short = template.channel === 'sms' || template.channel === 'whatsapp' || template.channel === 'voice';
  if (!body.unconditional.has('credorEndereco') && !(short && body.unconditional.has('linkAutoatendimento'))) {
    issues.push({ path: ['body'], message: short ? "{{credorEndereco}} or {{linkAutoatendimento}} (whose page shows the creditor's address) is required outside any section (CDC art. 42-A)" : "{{credorEndereco}} is required outside any section: an e-mail shows the creditor's address (CDC art. 42-A)" });
  }
  if (issues.length === 0 && (template.channel === 'sms' || template.channel === undefined)) {
    const length = renderNodes(body.nodes, valuesOf({ ...SAMPLE_MESSAGE_DATA, pixCopiaECola: undefined })).length;
    if (length > SMS_MAX_CHARS) issues.push({ path: ['body'], message: `an SMS body must fit in ${SMS_MAX_CHARS} characters; this one renders ${length} for the sample message` });
  }
  return issues.length > 0 ? { success: false, issues } : { success: true, data: template };
}

/** A tenant's templates: each valid, and one per id and channel. */
export function validateTemplates(input: unknown): { success: true; data: MessageTemplate[] } | { success: false; issues: ConfigIssue[] } {
  const list = z.array(z.unknown()).max(500).safeParse(input);
  if (!list.success) return { success: false, issues: [{ path: [], message: 'a list of at most 500 templates' }] };
  const issues: ConfigIssue[] = [];
  const data: MessageTemplate[] = [];
  const seen = new Set<string>();
  list.data.forEach((item, i) => {
    const result = validateTemplate(item);
    if (!result.success) return void issues.push(...result.issues.map((issue) => ({ path: [i, ...issue.path], message: issue.message })));
    const key = `${result.data.id}\u0000${result.data.channel ?? '*'}`;
    if (seen.has(key)) issues.push({ path: [i, 'id'], message: `template ${result.data.id} is declared twice for ${result.data.channel ?? 'every channel'}` });
    seen.add(key);
    data.push(result.data);
  });
  return issues.length > 0 ? { success: false, issues } : { success: true, data };
}

export function formatAddress(a: Address): string {
  const cep = a.cep.replace(/\D/g, '');
  return `${a.street}, ${a.number}${a.complement ? `, ${a.complement}` : ''} - ${a.district}, ${a.city}/${a.uf}, CEP ${cep.slice(0, 5)}-${cep.slice(5)}`;
}

/** "MARIA DA SILVA" and "maria da silva" greet as "Maria"; a name written in mixed case is kept as written. */
export function firstNameOf(fullName: string): string {
  const first = fullName.trim().split(/\s+/)[0] ?? '';
  if (first !== first.toLocaleUpperCase('pt-BR') && first !== first.toLocaleLowerCase('pt-BR')) return first;
  const lower = first.toLocaleLowerCase('pt-BR');
  return lower.charAt(0).toLocaleUpperCase('pt-BR') + lower.slice(1);
}

const DAY_MS = 86_400_000;

function valuesOf(data: MessageData): Partial<Record<TemplateVariable, string>> {
  const oldest = data.invoices.map((i) => i.dueDate).sort()[0];
  if (oldest === undefined) throw new Error('a message concerns at least one invoice');
  const overdue = Math.max(0, Math.round((Date.parse(data.today) - Date.parse(oldest)) / DAY_MS));
  const installment = data.installment;
  return {
    primeiroNome: firstNameOf(data.debtorName),
    credorNome: data.creditor.name,
    credorCnpj: formatCnpj(data.creditor.cnpj),
    credorEndereco: data.creditor.address ? formatAddress(data.creditor.address) : `endereço em ${data.selfServiceLink}`,
    valorTotal: formatBrl(data.invoices.reduce((sum, i) => sum + i.amountCents, 0)),
    quantidadeFaturas: String(data.invoices.length),
    vencimentoMaisAntigo: formatDateBr(oldest),
    diasEmAtraso: String(overdue),
    linkAutoatendimento: data.selfServiceLink,
    ...(data.pixCopiaECola ? { pixCopiaECola: data.pixCopiaECola } : {}),
    ...(data.boletoLinhaDigitavel ? { boletoLinhaDigitavel: data.boletoLinhaDigitavel } : {}),
    ...(installment
      ? { parcelaNumero: installment.count ? `${installment.number} de ${installment.count}` : String(installment.number), parcelaValor: formatBrl(installment.amountCents), parcelaVencimento: formatDateBr(installment.dueDate) }
      : {}),
  };
}

function renderNodes(nodes: readonly Node[], values: Partial<Record<TemplateVariable, string>>): string {
  const raw = nodes
    .map((node) => {
      if (node.kind === 'text') return node.text;
      if (node.kind === 'var') return values[node.name] ?? '';
      return (values[node.name] !== undefined) !== node.inverted ? renderNodes(node.children, values) : '';
    })
    .join('');
  return raw;
}

/** Tidies what sections left behind: trailing spaces, runs of blank lines, doubled spaces. */
const tidy = (text: string) =>
  text
    .split('\n')
    .map((line) => line.replace(/(\S) {2,}/g, '$1 ').trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/** The message a template makes for one debtor. Throws for a template that does not validate (check it when stored). */
export function renderTemplate(template: MessageTemplate, data: MessageData): RenderedMessage {
  const body = parse(template.body);
  const subject = template.subject === undefined ? undefined : parse(template.subject);
  const problems = [...body.issues, ...(subject?.issues ?? [])];
  if (problems.length > 0) throw new Error(`template ${template.id} is invalid: ${problems.join('; ')}`);
  const values = valuesOf(data);
  return { ...(subject ? { subject: tidy(renderNodes(subject.nodes, values)).replace(/\s+/g, ' ') } : {}), text: tidy(renderNodes(body.nodes, values)) };
}

/** A realistic message for previews: every optional instrument present, so every section shows. */
export const SAMPLE_MESSAGE_DATA: MessageData = {
  debtorName: 'MARIA APARECIDA DOS SANTOS',
  creditor: {
    name: 'Banco Exemplo S.A.',
    cnpj: '11222333000181',
    address: { street: 'Avenida Paulista', number: '1000', complement: 'conjunto 101', district: 'Bela Vista', city: 'São Paulo', uf: 'SP', cep: '01310100' },
  },
  invoices: [
    { amountCents: 107466, dueDate: '2026-10-05' },
    { amountCents: 15990, dueDate: '2026-11-05' },
  ],
  today: '2026-11-20',
  selfServiceLink: 'https://pagar.exemplo.com.br/r/7Kq2xZ',
  pixCopiaECola: '00020101021226850014br.gov.bcb.pix2563pix.exemplo.com.br/qr/v2/cobv/9d36b84fc70b478fb95c12729b90ca255204000053039865802BR5918BANCO EXEMPLO S A6009SAO PAULO62070503***6304A1B2',
  boletoLinhaDigitavel: '23790.12345 60000.123456 78901.234567 8 12340000123456',
  installment: { number: 2, count: 6, amountCents: 21345, dueDate: '2026-12-10' },
};

/** A preview's sample: any field of the message; `null` for an optional instrument means the message lacks it. */
export const PreviewSampleSchema = MessageDataSchema.partial().extend({
  pixCopiaECola: z.string().min(1).nullable().optional(),
  boletoLinhaDigitavel: z.string().min(1).nullable().optional(),
  installment: MessageDataSchema.shape.installment.nullable(),
});

export type PreviewSample = z.input<typeof PreviewSampleSchema>;

/** Renders a template for the sample message, with any of its fields replaced. */
export function previewTemplate(template: MessageTemplate, sample: PreviewSample = {}): RenderedMessage {
  const overrides = Object.fromEntries(Object.entries(sample).map(([key, value]) => [key, value === null ? undefined : value]));
  return renderTemplate(template, { ...SAMPLE_MESSAGE_DATA, ...overrides } as MessageData);
}

/**
 * The templates a tenant's cadences may use: its own, plus the built-in ones of every id it did not write. Writing
 * one template of an id replaces all built-in ones of that id, so a tenant's text is never mixed with ours.
 */
export function templateCatalog(own: readonly MessageTemplate[]): MessageTemplate[] {
  const ids = new Set(own.map((t) => t.id));
  return [...own, ...DEFAULT_TEMPLATES.filter((t) => !ids.has(t.id))];
}

/** The template for a step's id on a channel: the one written for that channel, else the one for every channel. */
export function resolveTemplate(catalog: readonly MessageTemplate[], id: string, channel: Channel): MessageTemplate | undefined {
  return catalog.find((t) => t.id === id && t.channel === channel) ?? catalog.find((t) => t.id === id && t.channel === undefined);
}

const EMAIL_SIGNATURE = `
Atenciosamente,
{{credorNome}}
CNPJ {{credorCnpj}}
{{credorEndereco}}`;

const PAYMENT_OPTIONS = `
{{#pixCopiaECola}}
Pix copia e cola:
{{pixCopiaECola}}
{{/pixCopiaECola}}
{{#boletoLinhaDigitavel}}
Linha digitável do boleto: {{boletoLinhaDigitavel}}
{{/boletoLinhaDigitavel}}`;

const PIX_WHATSAPP = `
{{#pixCopiaECola}}
Se preferir, pague com o Pix copia e cola:
{{pixCopiaECola}}
{{/pixCopiaECola}}`;

const ALREADY_PAID = 'Se você já pagou, por favor desconsidere esta mensagem.';

interface TextSet {
  id: string;
  email: { subject: string; body: string };
  whatsapp: string;
  sms: string;
}

const textSet = ({ id, email, whatsapp, sms }: TextSet): MessageTemplate[] => [
  { id, channel: 'email', subject: email.subject, body: `${email.body}${EMAIL_SIGNATURE}` },
  { id, channel: 'whatsapp', body: whatsapp },
  { id, channel: 'sms', body: sms },
];

/**
 * The built-in templates, pt-BR, for every template the default cadences use: friendly and factual (who collects,
 * how much, since when, how to resolve), never threatening (CDC art. 42), the creditor always identified (art. 42-A).
 */
export const DEFAULT_TEMPLATES: readonly MessageTemplate[] = [
  ...textSet({
    id: 'lembrete-vencimento',
    email: {
      subject: '{{credorNome}}: lembrete de vencimento em {{vencimentoMaisAntigo}}',
      body: `Olá, {{primeiroNome}}!

Passando para lembrar que sua fatura de {{valorTotal}} vence em {{vencimentoMaisAntigo}}. Pagando até o vencimento, você evita multa e juros.

Para pagar ou consultar os detalhes, acesse {{linkAutoatendimento}}.
${PAYMENT_OPTIONS}

${ALREADY_PAID}
`,
    },
    whatsapp: `Olá, {{primeiroNome}}! Aqui é {{credorNome}} (CNPJ {{credorCnpj}}).

Passando para lembrar que sua fatura de {{valorTotal}} vence em {{vencimentoMaisAntigo}}. Para pagar ou ver os detalhes: {{linkAutoatendimento}}
${PIX_WHATSAPP}

${ALREADY_PAID}`,
    sms: '{{credorNome}} (CNPJ {{credorCnpj}}): Olá, {{primeiroNome}}! Sua fatura de {{valorTotal}} vence em {{vencimentoMaisAntigo}}. Pague ou veja os detalhes em {{linkAutoatendimento}}. Se já pagou, desconsidere.',
  }),
  ...textSet({
    id: 'vence-hoje',
    email: {
      subject: '{{credorNome}}: sua fatura vence hoje',
      body: `Olá, {{primeiroNome}}!

Sua fatura de {{valorTotal}} vence hoje, {{vencimentoMaisAntigo}}. Ainda dá tempo de pagar sem multa nem juros.

Acesse {{linkAutoatendimento}} para pagar ou ver os detalhes.
${PAYMENT_OPTIONS}

${ALREADY_PAID}
`,
    },
    whatsapp: `Olá, {{primeiroNome}}! Aqui é {{credorNome}} (CNPJ {{credorCnpj}}).

Sua fatura de {{valorTotal}} vence hoje. Ainda dá tempo de pagar sem multa nem juros: {{linkAutoatendimento}}
${PIX_WHATSAPP}

${ALREADY_PAID}`,
    sms: '{{credorNome}} (CNPJ {{credorCnpj}}): Olá, {{primeiroNome}}! Sua fatura de {{valorTotal}} vence hoje. Pague sem multa nem juros em {{linkAutoatendimento}}. Se já pagou, desconsidere.',
  }),
  ...textSet({
    id: 'primeiro-aviso',
    email: {
      subject: '{{credorNome}}: fatura vencida em {{vencimentoMaisAntigo}}',
      body: `Olá, {{primeiroNome}}!

Não identificamos o pagamento de {{valorTotal}}, com vencimento em {{vencimentoMaisAntigo}}. Imprevistos acontecem: você pode regularizar agora mesmo, de forma simples e segura.

Acesse {{linkAutoatendimento}} para ver o valor atualizado e escolher como pagar.
${PAYMENT_OPTIONS}

${ALREADY_PAID}
`,
    },
    whatsapp: `Olá, {{primeiroNome}}! Aqui é {{credorNome}} (CNPJ {{credorCnpj}}).

Ainda não identificamos o pagamento de {{valorTotal}}, com vencimento em {{vencimentoMaisAntigo}}. Você pode regularizar de forma simples pelo link: {{linkAutoatendimento}}
${PIX_WHATSAPP}

${ALREADY_PAID}`,
    sms: '{{credorNome}} (CNPJ {{credorCnpj}}): Olá, {{primeiroNome}}. Não identificamos o pagamento de {{valorTotal}} (venc. {{vencimentoMaisAntigo}}). Regularize em {{linkAutoatendimento}}. Se já pagou, desconsidere.',
  }),
  ...textSet({
    id: 'segundo-aviso',
    email: {
      subject: '{{credorNome}}: pagamento em aberto',
      body: `Olá, {{primeiroNome}}!

O valor de {{valorTotal}} ({{quantidadeFaturas}} fatura(s), a mais antiga vencida em {{vencimentoMaisAntigo}}) continua em aberto. Queremos ajudar você a resolver isso da forma mais fácil.

Em {{linkAutoatendimento}} você vê o valor atualizado e paga por Pix ou boleto. Se preferir, fale com a gente pelo mesmo link.
${PAYMENT_OPTIONS}

${ALREADY_PAID}
`,
    },
    whatsapp: `Olá, {{primeiroNome}}! Aqui é {{credorNome}} (CNPJ {{credorCnpj}}).

O valor de {{valorTotal}}, com vencimento em {{vencimentoMaisAntigo}}, continua em aberto. Pelo link você vê o valor atualizado e paga por Pix ou boleto: {{linkAutoatendimento}}
${PIX_WHATSAPP}

${ALREADY_PAID}`,
    sms: '{{credorNome}} (CNPJ {{credorCnpj}}): {{primeiroNome}}, o valor de {{valorTotal}} (venc. {{vencimentoMaisAntigo}}) segue em aberto. Pague por Pix ou boleto em {{linkAutoatendimento}}. Se já pagou, desconsidere.',
  }),
  ...textSet({
    id: 'proposta-acordo',
    email: {
      subject: '{{credorNome}}: condições especiais para você',
      body: `Olá, {{primeiroNome}}!

Preparamos condições especiais para você regularizar o valor de {{valorTotal}}, em aberto desde {{vencimentoMaisAntigo}}: pagamento à vista com desconto ou parcelado, do jeito que couber no seu orçamento.

Simule sem compromisso em {{linkAutoatendimento}}.

${ALREADY_PAID}
`,
    },
    whatsapp: `Olá, {{primeiroNome}}! Aqui é {{credorNome}} (CNPJ {{credorCnpj}}).

Preparamos condições especiais para você regularizar o valor de {{valorTotal}}: à vista com desconto ou parcelado. Simule sem compromisso: {{linkAutoatendimento}}

${ALREADY_PAID}`,
    sms: '{{credorNome}} (CNPJ {{credorCnpj}}): {{primeiroNome}}, temos condições especiais para o valor de {{valorTotal}}: à vista com desconto ou parcelado. Simule sem compromisso em {{linkAutoatendimento}}',
  }),
  ...textSet({
    id: 'ultimo-aviso',
    email: {
      subject: '{{credorNome}}: vamos resolver juntos?',
      body: `Olá, {{primeiroNome}}!

Ainda não identificamos o pagamento de {{valorTotal}}, em aberto desde {{vencimentoMaisAntigo}}. Este é o nosso último lembrete automático: a partir de agora, nossa equipe fica à disposição para encontrar com você a melhor solução.

Para pagar, negociar ou falar com a gente, acesse {{linkAutoatendimento}}.
${PAYMENT_OPTIONS}

${ALREADY_PAID}
`,
    },
    whatsapp: `Olá, {{primeiroNome}}! Aqui é {{credorNome}} (CNPJ {{credorCnpj}}).

Ainda não identificamos o pagamento de {{valorTotal}}, em aberto desde {{vencimentoMaisAntigo}}. Este é o nosso último lembrete automático; nossa equipe está à disposição para encontrar com você a melhor solução: {{linkAutoatendimento}}

${ALREADY_PAID}`,
    sms: '{{credorNome}} (CNPJ {{credorCnpj}}): {{primeiroNome}}, o valor de {{valorTotal}} (desde {{vencimentoMaisAntigo}}) segue em aberto. Vamos encontrar juntos a melhor solução? Acesse {{linkAutoatendimento}}',
  }),
  ...textSet({
    id: 'lembrete-parcela',
    email: {
      subject: '{{credorNome}}: lembrete da parcela do seu acordo',
      body: `Olá, {{primeiroNome}}!

{{#parcelaNumero}}
A parcela {{parcelaNumero}} do seu acordo, de {{parcelaValor}}, vence em {{parcelaVencimento}}.
{{/parcelaNumero}}
{{^parcelaNumero}}
A próxima parcela do seu acordo vence em breve.
{{/parcelaNumero}}
Obrigado por manter seu acordo em dia! Para pagar ou ver os detalhes, acesse {{linkAutoatendimento}}.
${PAYMENT_OPTIONS}

${ALREADY_PAID}
`,
    },
    whatsapp: `Olá, {{primeiroNome}}! Aqui é {{credorNome}} (CNPJ {{credorCnpj}}).

{{#parcelaNumero}}
A parcela {{parcelaNumero}} do seu acordo, de {{parcelaValor}}, vence em {{parcelaVencimento}}.
{{/parcelaNumero}}
{{^parcelaNumero}}
A próxima parcela do seu acordo vence em breve.
{{/parcelaNumero}}
Para pagar ou ver os detalhes: {{linkAutoatendimento}}
${PIX_WHATSAPP}

Obrigado por manter seu acordo em dia!`,
    sms: '{{credorNome}} (CNPJ {{credorCnpj}}): Olá, {{primeiroNome}}! {{#parcelaNumero}}A parcela {{parcelaNumero}} do seu acordo, de {{parcelaValor}}, vence em {{parcelaVencimento}}.{{/parcelaNumero}}{{^parcelaNumero}}A próxima parcela do seu acordo vence em breve.{{/parcelaNumero}} Pague em {{linkAutoatendimento}}',
  }),
  {
    id: 'contato-voz',
    channel: 'voice',
    // Who is called may not be the debtor: nothing about the debt is said before the person confirms who they are.
    body: `Olá! Esta é uma ligação automática de {{credorNome}}, CNPJ {{credorCnpj}}, com endereço em {{credorEndereco}}, para {{primeiroNome}}. Se você é {{primeiroNome}}, digite 1. Se não for, digite 9 e pedimos desculpas pelo incômodo.

{{primeiroNome}}, obrigado por atender. Consta em aberto o valor de {{valorTotal}}, com vencimento em {{vencimentoMaisAntigo}}, e temos condições especiais para você regularizar, à vista com desconto ou parcelado.

Para falar com um de nossos atendentes, digite 1. Para receber o link de pagamento por mensagem, digite 2. Se você já pagou, por favor desconsidere esta ligação. Obrigado!`,
  },
  {
    id: 'contato-voz',
    channel: 'sms',
    body: '{{credorNome}} (CNPJ {{credorCnpj}}): {{primeiroNome}}, tentamos falar com você sobre o valor de {{valorTotal}} em aberto. Temos condições especiais para regularizar: {{linkAutoatendimento}}',
  },
];
