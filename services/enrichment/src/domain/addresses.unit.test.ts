import { assessAddress, ufOfCep } from './addresses.ts';
import { CEP_RANGES_BY_UF } from './data/cep-ranges.ts';

describe('assessAddress: the CEP and the UF', () => {
  test.each([
    ['01001-000', 'SP'],
    ['20040-020', 'RJ'],
    ['69005-070', 'AM'],
    ['69301-000', 'RR'],
    ['70040-010', 'DF'],
    ['72800-000', 'GO'],
    ['73000-000', 'DF'],
    ['74000-000', 'GO'],
    ['76801-000', 'RO'],
    ['53990-000', 'PE'],
    ['99999-999', 'RS'],
  ])('Given CEP %s in %s, then they agree', (cep, uf) => {
    expect(assessAddress({ cep, uf })).toEqual({ cep: cep.replace('-', ''), cepUf: uf, consistent: true, reasons: [], explanations: [] });
  });

  test('Given a São Paulo CEP on an address in Minas Gerais, then the mismatch is flagged with its reason', () => {
    expect(assessAddress({ cep: '01001-000', uf: 'MG' })).toEqual({
      cep: '01001000',
      cepUf: 'SP',
      consistent: false,
      reasons: ['cep_uf_mismatch'],
      explanations: ['CEP 01001-000 belongs to SP, but the address says MG'],
    });
  });

  test("Given a Roraima CEP inside Amazonas's numbering (69300–69399) on an Amazonas address, then it is flagged", () => {
    expect(assessAddress({ cep: '69301000', uf: 'AM' })).toMatchObject({ cepUf: 'RR', consistent: false, reasons: ['cep_uf_mismatch'] });
  });

  test('Given a CEP below 01000-000, then no state has it', () => {
    expect(assessAddress({ cep: '00999-999', uf: 'SP' })).toMatchObject({ cep: '00999999', consistent: false, reasons: ['unassigned_cep'] });
  });

  test.each(['0100-000', '010010000', 'ABCDE-FGH', ''])('Given the CEP %p, then it does not have 8 digits', (cep) => {
    expect(assessAddress({ cep, uf: 'SP' })).toMatchObject({ consistent: false, reasons: ['invalid_cep'] });
  });

  test('Given the ranges, then every five-digit prefix from 01000 to 99999 belongs to exactly one state', () => {
    const ranges = Object.values(CEP_RANGES_BY_UF).flat().toSorted((a, b) => a[0] - b[0]);
    const gapsOrOverlaps = ranges.slice(1).filter((range, i) => range[0] !== ranges[i]![1] + 1);
    expect(gapsOrOverlaps).toEqual([]);
    expect([ranges[0]![0], ranges.at(-1)![1]]).toEqual([1000, 99999]);
    expect(Object.keys(CEP_RANGES_BY_UF)).toHaveLength(27);
    expect(ufOfCep('78950000')).toBe('RO');
  });
});
