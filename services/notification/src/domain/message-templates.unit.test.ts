import { DEFAULT_CADENCE_CONFIG } from './cadence-spec.ts';
import {
  DEFAULT_TEMPLATES,
  firstNameOf,
  formatCnpj,
  previewTemplate,
  renderTemplate,
  resolveTemplate,
  SAMPLE_MESSAGE_DATA,
  SMS_MAX_CHARS,
  TEMPLATE_VARIABLES,
  templateCatalog,
  validateTemplate,
  validateTemplates,
  type MessageData,
  type MessageTemplate,
} from './message-templates.ts';

const IDENTIFIED = '{{credorNome}} (CNPJ {{credorCnpj}})';
const sms = (body: string): MessageTemplate => ({ id: 'aviso', channel: 'sms', body });
const messages = (input: unknown) => {
  const result = validateTemplate(input);
  return result.success ? [] : result.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

const data: MessageData = {
  debtorName: 'JOÃO  carlos pereira',
  creditor: { name: 'Loja Exemplo Ltda', cnpj: '12.abc.345/01de-35', address: { street: 'Rua das Flores', number: '12', district: 'Centro', city: 'Curitiba', uf: 'PR', cep: '80010000' } },
  invoices: [
    { amountCents: 100000, dueDate: '2026-11-10' },
    { amountCents: 23456, dueDate: '2026-11-01' },
  ],
  today: '2026-11-21',
  selfServiceLink: 'https://pagar.exemplo.com.br/x',
};

describe('validateTemplate', () => {
  test('Given an unknown variable, then the issue names it', () => {
    expect(messages(sms(`${IDENTIFIED}: {{valorTotal}} {{nomeCompleto}} {{linkAutoatendimento}}`))).toEqual(['body: unknown variable {{nomeCompleto}}']);
  });

  test('Given unbalanced braces, then the template is refused', () => {
    for (const body of [`${IDENTIFIED} {{linkAutoatendimento}} {{valorTotal}`, `${IDENTIFIED} {{linkAutoatendimento}} valorTotal}}`, `${IDENTIFIED} {{linkAutoatendimento}} {{{valorTotal}}}`]) {
      expect(messages(sms(body)).join()).toContain('unbalanced braces');
    }
  });

  test('Given an empty body, then the template is refused', () => {
    expect(messages(sms('   '))).toContain('body: the body is empty');
  });

  test('Given a template without the creditor\'s name or CNPJ, then it is refused (CDC art. 42-A)', () => {
    expect(messages(sms('Olá {{primeiroNome}}, pague em {{linkAutoatendimento}} ({{credorNome}})')).join()).toContain('{{credorCnpj}} is required');
    expect(messages(sms('Olá {{primeiroNome}}, pague em {{linkAutoatendimento}} ({{credorCnpj}})')).join()).toContain('{{credorNome}} is required');
  });

  test('Given an e-mail, or a template for any channel, then the creditor\'s address is required; a short channel may link to the self-service page instead', () => {
    const linked = `${IDENTIFIED}: veja em {{linkAutoatendimento}}`;
    expect(messages({ id: 'aviso', channel: 'email', subject: 'Aviso', body: linked }).join()).toContain('{{credorEndereco}} is required');
    expect(messages({ id: 'aviso', body: linked }).join()).toContain('{{credorEndereco}} is required');
    for (const channel of ['sms', 'whatsapp', 'voice']) expect(messages({ id: 'aviso', channel, body: linked })).toEqual([]);
    expect(messages({ id: 'aviso', channel: 'sms', body: `${IDENTIFIED}, olá` }).join()).toContain('{{credorEndereco}} or {{linkAutoatendimento}}');
    expect(messages({ id: 'aviso', channel: 'email', subject: 'Aviso', body: `${IDENTIFIED}, {{credorEndereco}}` })).toEqual([]);
  });

  test('Given the identification only inside a section, then it does not count: the section may not show', () => {
    expect(messages(sms(`{{#pixCopiaECola}}${IDENTIFIED} {{pixCopiaECola}}{{/pixCopiaECola}} {{linkAutoatendimento}}`)).join()).toContain('{{credorNome}} is required outside any section');
  });

  test('Given an SMS over 480 characters as rendered, then it is refused', () => {
    // Under 480 as written, over once the creditor's name, CNPJ and the link are filled in.
    const filler = 'x'.repeat(SMS_MAX_CHARS - 70);
    expect(messages(sms(`${IDENTIFIED} {{linkAutoatendimento}} ${filler}`)).join()).toMatch(/must fit in 480 characters; this one renders \d+/);
    expect(messages({ id: 'aviso', channel: 'whatsapp', body: `${IDENTIFIED} {{linkAutoatendimento}} ${filler}` })).toEqual([]);
  });

  test('Given an optional value outside its section, or a section on a value every message has, then each is refused', () => {
    expect(messages(sms(`${IDENTIFIED} {{linkAutoatendimento}} {{pixCopiaECola}}`)).join()).toContain('{{pixCopiaECola}} may be missing from a message');
    expect(messages(sms(`${IDENTIFIED} {{linkAutoatendimento}} {{#valorTotal}}x{{/valorTotal}}`)).join()).toContain('only a value a message may lack opens a section');
    expect(messages(sms(`${IDENTIFIED} {{linkAutoatendimento}} {{#parcelaNumero}}{{parcelaValor}} em {{parcelaVencimento}}{{/parcelaNumero}}`))).toEqual([]);
  });

  test('Given sections that do not close, or close out of order, then the template is refused', () => {
    expect(messages(sms(`${IDENTIFIED} {{linkAutoatendimento}} {{#pixCopiaECola}}x`)).join()).toContain('is never closed');
    expect(messages(sms(`${IDENTIFIED} {{linkAutoatendimento}} {{#pixCopiaECola}}{{#boletoLinhaDigitavel}}x{{/pixCopiaECola}}{{/boletoLinhaDigitavel}}`)).join()).toContain('sections close in the order they open');
  });

  test('Given a subject on an SMS or none on an e-mail, then each is refused', () => {
    expect(messages({ ...sms(`${IDENTIFIED} {{linkAutoatendimento}}`), subject: 'Oi' })).toEqual(['subject: only e-mails have a subject']);
    expect(messages({ id: 'aviso', channel: 'email', body: `${IDENTIFIED} {{credorEndereco}}` })).toEqual(['subject: an e-mail needs a subject']);
  });

  test('Given words that threaten or shame, then the template is refused (CDC art. 42)', () => {
    expect(messages(sms(`${IDENTIFIED} {{linkAutoatendimento}} Caloteiro, pague ou chamamos a polícia`)).join()).toContain('must not threaten or embarrass');
  });

  test('Given a list with the same id twice for the same channel, then the second is refused; other channels may share the id', () => {
    const body = `${IDENTIFIED} {{linkAutoatendimento}}`;
    const result = validateTemplates([sms(body), { ...sms(body), channel: 'whatsapp' }, sms(body)]);
    expect(result.success ? [] : result.issues.map((i) => i.path.join('.'))).toEqual(['2.id']);
  });
});

describe('renderTemplate', () => {
  const template: MessageTemplate = {
    id: 'aviso',
    channel: 'email',
    subject: '{{credorNome}}: {{quantidadeFaturas}} faturas',
    body: `Olá, {{primeiroNome}}! Total {{valorTotal}}, desde {{vencimentoMaisAntigo}} ({{diasEmAtraso}} dias).
{{#pixCopiaECola}}
Pix: {{pixCopiaECola}}
{{/pixCopiaECola}}
{{^pixCopiaECola}}
Pague em {{linkAutoatendimento}}
{{/pixCopiaECola}}
{{credorNome}} - CNPJ {{credorCnpj}} - {{credorEndereco}}`,
  };

  test('Given a message, then every value is filled in, formatted for Brazil', () => {
    expect(renderTemplate(template, data)).toEqual({
      subject: 'Loja Exemplo Ltda: 2 faturas',
      text: 'Olá, João! Total R$ 1.234,56, desde 01/11/2026 (20 dias).\nPague em https://pagar.exemplo.com.br/x\nLoja Exemplo Ltda - CNPJ 12.ABC.345/01DE-35 - Rua das Flores, 12 - Centro, Curitiba/PR, CEP 80010-000',
    });
  });

  test('Given an optional instrument present, then its section shows and the inverted one does not', () => {
    expect(renderTemplate(template, { ...data, pixCopiaECola: '000201PIX' }).text.split('\n')[1]).toBe('Pix: 000201PIX');
  });

  test('Given an inline section on a one-line SMS, then the rest of the line stays when the value is missing', () => {
    const t = sms(`${IDENTIFIED}: pague em {{linkAutoatendimento}}{{#boletoLinhaDigitavel}} ou pelo boleto {{boletoLinhaDigitavel}}{{/boletoLinhaDigitavel}}. Obrigado!`);
    expect(renderTemplate(t, data).text).toBe('Loja Exemplo Ltda (CNPJ 12.ABC.345/01DE-35): pague em https://pagar.exemplo.com.br/x. Obrigado!');
    expect(renderTemplate(t, { ...data, boletoLinhaDigitavel: '2379 1' }).text).toContain('ou pelo boleto 2379 1.');
  });

  test('Given a due date still ahead, then the days overdue are 0', () => {
    expect(renderTemplate(sms(`${IDENTIFIED} {{linkAutoatendimento}} {{diasEmAtraso}}`), { ...data, today: '2026-10-01' }).text).toMatch(/ 0$/);
  });

  test('Given an invalid template, then rendering throws rather than send placeholders', () => {
    expect(() => renderTemplate(sms('{{naoExiste}}'), data)).toThrow(/unknown variable/);
  });
});

describe('formatting', () => {
  test('Given numeric and alphanumeric CNPJs, then both print as 00.000.000/0000-00', () => {
    expect(formatCnpj('11222333000181')).toBe('11.222.333/0001-81');
    expect(formatCnpj('12ABC34501DE35')).toBe('12.ABC.345/01DE-35');
    expect(formatCnpj('12.abc.345/01de-35')).toBe('12.ABC.345/01DE-35');
  });

  test('Given a full name in any case, then the greeting uses the first name, capitalised', () => {
    expect(['MARIA DA SILVA', 'maria da silva', '  Maria  ', 'ÉRICA S'].map(firstNameOf)).toEqual(['Maria', 'Maria', 'Maria', 'Érica']);
    expect(firstNameOf('McAllister Souza')).toBe('McAllister');
  });
});

describe('DEFAULT_TEMPLATES', () => {
  test('Given the built-in templates, then every one passes validation', () => {
    for (const template of DEFAULT_TEMPLATES) expect({ id: template.id, channel: template.channel, issues: messages(template) }).toEqual({ id: template.id, channel: template.channel, issues: [] });
    expect(validateTemplates(DEFAULT_TEMPLATES).success).toBe(true);
  });

  test('Given the default cadences, then every step finds a template for each of its channels and fallbacks', () => {
    for (const cadence of DEFAULT_CADENCE_CONFIG.cadences)
      for (const step of cadence.steps) for (const channel of [...step.channels, ...step.fallback]) expect([step.template, channel, resolveTemplate(DEFAULT_TEMPLATES, step.template, channel)?.id]).toEqual([step.template, channel, step.template]);
  });

  test('Given the template ids the brief lists, then each exists', () => {
    const ids = new Set(DEFAULT_TEMPLATES.map((t) => t.id));
    expect([...ids].sort()).toEqual(['contato-voz', 'lembrete-parcela', 'lembrete-vencimento', 'primeiro-aviso', 'proposta-acordo', 'segundo-aviso', 'ultimo-aviso', 'vence-hoje']);
  });

  test('Given every built-in template rendered, then no placeholder is left and the creditor is identified', () => {
    for (const template of DEFAULT_TEMPLATES) {
      const { text, subject } = previewTemplate(template);
      expect(`${subject ?? ''}${text}`).not.toMatch(/[{}]/);
      expect(text).toContain(SAMPLE_MESSAGE_DATA.creditor.name);
      expect(text).toContain('11.222.333/0001-81');
    }
  });

  test('Given a message without Pix or boleto, then no empty instrument line is left', () => {
    const { text } = previewTemplate(DEFAULT_TEMPLATES.find((t) => t.id === 'primeiro-aviso' && t.channel === 'email')!, { pixCopiaECola: null, boletoLinhaDigitavel: null });
    expect(text).not.toMatch(/Pix copia e cola|Linha digitável|\n{3}/);
  });
});

describe('templateCatalog', () => {
  test("Given a tenant's template of an id, then it replaces every built-in template of that id, and the rest stay", () => {
    const own = sms(`${IDENTIFIED} {{linkAutoatendimento}}`);
    const catalog = templateCatalog([{ ...own, id: 'proposta-acordo', channel: undefined, body: `${IDENTIFIED} {{credorEndereco}} {{linkAutoatendimento}}` }]);
    expect(catalog.filter((t) => t.id === 'proposta-acordo')).toHaveLength(1);
    expect(resolveTemplate(catalog, 'proposta-acordo', 'email')?.channel).toBeUndefined();
    expect(resolveTemplate(catalog, 'vence-hoje', 'sms')?.channel).toBe('sms');
  });
});

test('TEMPLATE_VARIABLES lists the variables a template may use', () => {
  expect(TEMPLATE_VARIABLES).toHaveLength(14);
});
