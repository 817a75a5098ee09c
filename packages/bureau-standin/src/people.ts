import { createHash } from 'node:crypto';

/** A person as the stand-in's bureau answers for them (the wire shape of `POST /v1/people:lookup`, found). */
export interface BureauPerson {
  phones: Array<{ number: string; type: 'mobile' | 'landline'; confidence: number; lastSeenAt: string }>;
  emails: Array<{ address: string; confidence: number; lastSeenAt: string }>;
  addresses: Array<{ street: string; number: string; district: string; city: string; uf: string; cep: string; confidence: number; lastSeenAt: string }>;
}

const DDDS = ['11', '21', '31', '41', '51', '61', '71', '81', '85', '91', '92', '27', '48', '62', '19'];
const DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com.br', 'uol.com.br', 'bol.com.br', 'terra.com.br'];
const PLACES = [
  { city: 'São Paulo', uf: 'SP', cep: '01310' },
  { city: 'Rio de Janeiro', uf: 'RJ', cep: '20040' },
  { city: 'Belo Horizonte', uf: 'MG', cep: '30130' },
  { city: 'Recife', uf: 'PE', cep: '50010' },
  { city: 'Manaus', uf: 'AM', cep: '69005' },
  { city: 'Porto Alegre', uf: 'RS', cep: '90010' },
];
const STREETS = ['Rua das Flores', 'Avenida Brasil', 'Rua XV de Novembro', 'Rua Sete de Setembro', 'Avenida Paulista'];

/**
 * What the stand-in knows of a CPF, the same every time for the same CPF (a SHA-256 of it drives every choice):
 * about one in five is unknown; the others have one to three mobiles, sometimes a landline, up to two e-mails and an
 * address, each with its confidence and a last-seen date from a week to about five years before `today` (so some
 * are stale).
 */
export function personFor(cpf: string, today: Date): BureauPerson | undefined {
  const bytes = createHash('sha256').update(`regua-bureau-standin:${cpf}`).digest();
  let i = 0;
  const next = () => bytes[i++ % bytes.length]!;
  const pick = <T>(list: readonly T[]) => list[next() % list.length]!;
  const digits = (n: number) => Array.from({ length: n }, () => String(next() % 10)).join('');
  const confidence = () => Math.round((0.45 + (next() / 255) * 0.54) * 100) / 100;
  const seen = () => new Date(today.getTime() - (7 + ((next() * 256 + next()) % 1800)) * 86_400_000).toISOString().slice(0, 10);

  if (next() % 5 === 0) return undefined;
  const mobiles = 1 + (next() % 3);
  const phones: BureauPerson['phones'] = Array.from({ length: mobiles }, () => ({ number: `+55${pick(DDDS)}9${digits(8)}`, type: 'mobile' as const, confidence: confidence(), lastSeenAt: seen() }));
  if (next() % 3 === 0) phones.push({ number: `(${pick(DDDS)}) ${2 + (next() % 4)}${digits(3)}-${digits(4)}`, type: 'landline', confidence: confidence(), lastSeenAt: seen() });
  const emails = Array.from({ length: next() % 3 }, () => ({ address: `contato.${digits(6)}@${pick(DOMAINS)}`, confidence: confidence(), lastSeenAt: seen() }));
  const place = pick(PLACES);
  const addresses = [{ street: pick(STREETS), number: String(1 + (next() % 2000)), district: 'Centro', city: place.city, uf: place.uf, cep: `${place.cep}-${digits(3)}`, confidence: confidence(), lastSeenAt: seen() }];
  return { phones, emails, addresses };
}
