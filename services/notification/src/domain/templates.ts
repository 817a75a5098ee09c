const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

export function formatBrl(cents: number): string {
  // Intl puts a no-break space after "R$"; messages use a plain one so SMS encoders keep GSM-7.
  return brl.format(cents / 100).replace(/\u00a0/g, ' ');
}

export function formatDateBr(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}
