import type { TemplateName } from './cadence.ts';

export interface TemplateData {
  debtorName: string;
  creditorName: string;
  amountCents: number;
  dueDate: string;
}

const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

export function formatBrl(cents: number): string {
  // Intl puts a no-break space after "R$"; messages use a plain one so SMS encoders keep GSM-7.
  return brl.format(cents / 100).replace(/\u00a0/g, ' ');
}

export function formatDateBr(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}

const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;

/**
 * Friendly, factual messages: who is collecting, how much, since when, how to resolve. Nothing that
 * embarrasses or threatens (CDC art. 42), and the creditor is always named (art. 42-A).
 */
const TEMPLATES: Record<TemplateName, (d: TemplateData) => string> = {
  'lembrete-amigavel': (d) =>
    `Olá, ${firstName(d.debtorName)}! Aqui é da ${d.creditorName.replace(/\.$/, '')}. Identificamos uma fatura de ${formatBrl(d.amountCents)} com vencimento em ${formatDateBr(d.dueDate)} que ainda está em aberto. Se já pagou, desconsidere esta mensagem.`,
  'segundo-aviso': (d) =>
    `${firstName(d.debtorName)}, a fatura da ${d.creditorName} de ${formatBrl(d.amountCents)}, vencida em ${formatDateBr(d.dueDate)}, continua em aberto. Você pode pagar por Pix ou boleto pelo nosso link seguro.`,
  'proposta-acordo': (d) =>
    `${firstName(d.debtorName)}, preparamos condições especiais para você regularizar a fatura da ${d.creditorName} de ${formatBrl(d.amountCents)}: à vista com desconto ou parcelado. Simule sem compromisso pelo nosso link seguro.`,
  'ultimo-aviso': (d) =>
    `${firstName(d.debtorName)}, ainda não identificamos o pagamento da fatura da ${d.creditorName} de ${formatBrl(d.amountCents)}, vencida em ${formatDateBr(d.dueDate)}. Fale conosco para encontrarmos juntos a melhor solução.`,
};

export function renderTemplate(name: TemplateName, data: TemplateData): string {
  return TEMPLATES[name](data);
}
