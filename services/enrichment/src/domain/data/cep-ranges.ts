import type { Uf } from '@regua/contracts';

/**
 * The CEP ranges of each state, as the Correios publish them ("faixas de CEP por UF"), as [first, last] of the
 * five-digit prefix, inclusive. Four states hold two ranges each: the Distrito Federal's and Goiás's interleave
 * (72800–72999 and 73700–76799 are Goiás), Roraima's 69300–69399 sits inside Amazonas's, and Rondônia keeps
 * 78900–78999 (Porto Velho's former numbering) between Mato Grosso's and Mato Grosso do Sul's.
 * The CEP-to-municipality database (DNE) is licensed and not used: these ranges only tell the state.
 */
export const CEP_RANGES_BY_UF: Readonly<Record<Uf, ReadonlyArray<readonly [number, number]>>> = {
  SP: [[1000, 19999]],
  RJ: [[20000, 28999]],
  ES: [[29000, 29999]],
  MG: [[30000, 39999]],
  BA: [[40000, 48999]],
  SE: [[49000, 49999]],
  PE: [[50000, 56999]],
  AL: [[57000, 57999]],
  PB: [[58000, 58999]],
  RN: [[59000, 59999]],
  CE: [[60000, 63999]],
  PI: [[64000, 64999]],
  MA: [[65000, 65999]],
  PA: [[66000, 68899]],
  AP: [[68900, 68999]],
  AM: [[69000, 69299], [69400, 69899]],
  RR: [[69300, 69399]],
  AC: [[69900, 69999]],
  DF: [[70000, 72799], [73000, 73699]],
  GO: [[72800, 72999], [73700, 76799]],
  RO: [[76800, 76999], [78900, 78999]],
  TO: [[77000, 77999]],
  MT: [[78000, 78899]],
  MS: [[79000, 79999]],
  PR: [[80000, 87999]],
  SC: [[88000, 89999]],
  RS: [[90000, 99999]],
};
