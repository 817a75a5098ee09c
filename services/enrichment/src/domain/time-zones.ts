import type { Uf } from '@regua/contracts';
import { AMAZONAS_DISPUTED, AMAZONAS_WEST_UTC_MINUS_5, NORONHA_CEP_PREFIX, NORONHA_MUNICIPALITY } from './data/municipal-time-zones.ts';

/** IANA zone of each state, or of most of it where a few municipalities differ (AM, PE: see municipal-time-zones.ts). */
const ZONE_BY_UF: Record<Uf, string> = {
  AC: 'America/Rio_Branco', AL: 'America/Maceio', AP: 'America/Belem', AM: 'America/Manaus', BA: 'America/Bahia',
  CE: 'America/Fortaleza', DF: 'America/Sao_Paulo', ES: 'America/Sao_Paulo', GO: 'America/Sao_Paulo', MA: 'America/Fortaleza',
  MT: 'America/Cuiaba', MS: 'America/Campo_Grande', MG: 'America/Sao_Paulo', PA: 'America/Belem', PB: 'America/Fortaleza',
  PR: 'America/Sao_Paulo', PE: 'America/Recife', PI: 'America/Fortaleza', RJ: 'America/Sao_Paulo', RN: 'America/Fortaleza',
  RS: 'America/Sao_Paulo', RO: 'America/Porto_Velho', RR: 'America/Boa_Vista', SC: 'America/Sao_Paulo', SP: 'America/Sao_Paulo',
  SE: 'America/Maceio', TO: 'America/Araguaina',
};

export type TimeZoneResolution =
  | { known: true; timeZone: string; basis: 'uf' | 'municipality' }
  /** Unknown: contact windows must then hold in every candidate zone (every Brazilian one when there is no address). */
  | { known: false; reason: 'no_address' | 'disputed_municipality'; candidates: readonly string[] };

/** One zone per Brazilian UTC offset in use: −2, −3, −4, −5. */
export const BRAZILIAN_OFFSET_ZONES = ['America/Noronha', 'America/Sao_Paulo', 'America/Manaus', 'America/Rio_Branco'] as const;

/** A city as written ("São Paulo de Olivença/AM", "SAO PAULO DE OLIVENCA") to a comparable key ("sao paulo de olivenca"). */
export function municipalityKey(city: string, uf?: string): string {
  const plain = city
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return uf ? plain.replace(new RegExp(`\\s${uf.toLowerCase()}$`), '') : plain;
}

/** The debtor's zone from the address; without one it is unknown (never a default such as São Paulo's). */
export function timeZoneOf(address: { uf: Uf; city: string; cep?: string } | undefined): TimeZoneResolution {
  if (!address) return { known: false, reason: 'no_address', candidates: BRAZILIAN_OFFSET_ZONES };
  const city = municipalityKey(address.city, address.uf);
  if (address.uf === 'AM') {
    if (AMAZONAS_WEST_UTC_MINUS_5.includes(city)) return { known: true, timeZone: 'America/Eirunepe', basis: 'municipality' };
    if (AMAZONAS_DISPUTED.includes(city)) return { known: false, reason: 'disputed_municipality', candidates: ['America/Manaus', 'America/Eirunepe'] };
  }
  if (address.uf === 'PE' && (city === NORONHA_MUNICIPALITY || address.cep?.replace(/\D/g, '').startsWith(NORONHA_CEP_PREFIX))) {
    return { known: true, timeZone: 'America/Noronha', basis: 'municipality' };
  }
  return { known: true, timeZone: ZONE_BY_UF[address.uf], basis: 'uf' };
}
