import { UF_CODES, type Uf } from '@regua/contracts';
import { CEP_RANGES_BY_UF } from './data/cep-ranges.ts';

export type AddressReason =
  /** Not eight digits (00000-000). */
  | 'invalid_cep'
  /** Eight digits below 01000-000, which no state uses. */
  | 'unassigned_cep'
  /** The CEP belongs to another state than the one given: one of the two is wrong. */
  | 'cep_uf_mismatch';

export interface AddressAssessment {
  /** The CEP as eight digits, when it has them. */
  cep?: string;
  /** The state the CEP belongs to, by the Correios ranges. */
  cepUf?: Uf;
  /** True when the CEP has eight digits and lies in the given state's ranges. */
  consistent: boolean;
  reasons: readonly AddressReason[];
  /** Plain words for an operator, one per reason. */
  explanations: readonly string[];
}

export function ufOfCep(cep: string): Uf | undefined {
  const prefix = Number(cep.slice(0, 5));
  return UF_CODES.find((uf) => CEP_RANGES_BY_UF[uf].some(([first, last]) => prefix >= first && prefix <= last));
}

const formatted = (cep: string) => `${cep.slice(0, 5)}-${cep.slice(5)}`;

export function assessAddress(address: { cep: string; uf: string }): AddressAssessment {
  const cep = address.cep.replace(/[\s.-]/g, '');
  if (!/^\d{8}$/.test(cep)) return { consistent: false, reasons: ['invalid_cep'], explanations: [`CEP "${address.cep}" does not have 8 digits`] };
  const cepUf = ufOfCep(cep);
  if (!cepUf) return { cep, consistent: false, reasons: ['unassigned_cep'], explanations: [`CEP ${formatted(cep)} is in no state's range`] };
  if (cepUf !== address.uf) {
    return { cep, cepUf, consistent: false, reasons: ['cep_uf_mismatch'], explanations: [`CEP ${formatted(cep)} belongs to ${cepUf}, but the address says ${address.uf}`] };
  }
  return { cep, cepUf, consistent: true, reasons: [], explanations: [] };
}
