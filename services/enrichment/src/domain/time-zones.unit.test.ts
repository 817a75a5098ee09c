import { municipalityKey, timeZoneOf } from './time-zones.ts';

describe('timeZoneOf: the debtor zone from the address', () => {
  test('Given no address, then the zone is unknown (never São Paulo by default) and every Brazilian offset is a candidate', () => {
    expect(timeZoneOf(undefined)).toEqual({ known: false, reason: 'no_address', candidates: ['America/Noronha', 'America/Sao_Paulo', 'America/Manaus', 'America/Rio_Branco'] });
  });

  test.each([
    ['Eirunepé', 'America/Eirunepe'],
    ['EIRUNEPE', 'America/Eirunepe'],
    ['São Paulo de Olivença', 'America/Eirunepe'],
    ['Sao Paulo de Olivenca/AM', 'America/Eirunepe'],
    ['Atalaia do Norte - AM', 'America/Eirunepe'],
    ['Benjamin Constant', 'America/Eirunepe'],
    ['Guajará', 'America/Eirunepe'],
    ['Ipixuna', 'America/Eirunepe'],
    ['Envira', 'America/Eirunepe'],
    ['Itamarati', 'America/Eirunepe'],
    ['Pauini', 'America/Eirunepe'],
    ['Manaus', 'America/Manaus'],
    ['Jutaí', 'America/Manaus'],
    ['Parintins', 'America/Manaus'],
  ])('Given %p in Amazonas, then the zone is %s', (city, timeZone) => {
    expect(timeZoneOf({ uf: 'AM', city, cep: '69000-000' })).toMatchObject({ known: true, timeZone });
  });

  test.each(['Tabatinga', 'Boca do Acre', 'Lábrea', 'Amaturá'])('Given %p, a municipality the sources put on both sides of the line, then the zone is unknown between UTC−4 and UTC−5', (city) => {
    expect(timeZoneOf({ uf: 'AM', city })).toEqual({ known: false, reason: 'disputed_municipality', candidates: ['America/Manaus', 'America/Eirunepe'] });
  });

  test('Given Fernando de Noronha (by name or by its CEP 53990), then UTC−2; the rest of Pernambuco is America/Recife', () => {
    expect(timeZoneOf({ uf: 'PE', city: 'Fernando de Noronha', cep: '53990-000' })).toEqual({ known: true, timeZone: 'America/Noronha', basis: 'municipality' });
    expect(timeZoneOf({ uf: 'PE', city: 'Vila dos Remédios', cep: '53990000' })).toMatchObject({ timeZone: 'America/Noronha' });
    expect(timeZoneOf({ uf: 'PE', city: 'Recife', cep: '50030-230' })).toEqual({ known: true, timeZone: 'America/Recife', basis: 'uf' });
  });

  test.each([
    ['SP', 'America/Sao_Paulo'],
    ['AC', 'America/Rio_Branco'],
    ['MT', 'America/Cuiaba'],
    ['PA', 'America/Belem'],
    ['TO', 'America/Araguaina'],
  ] as const)('Given an address in %s (one zone), then %s', (uf, timeZone) => {
    expect(timeZoneOf({ uf, city: 'Qualquer' })).toEqual({ known: true, timeZone, basis: 'uf' });
  });

  test('Given the zones named, then each is a zone this runtime knows, with the offset the sources give', () => {
    const offset = (timeZone: string) => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(new Date('2026-11-24T12:00:00Z')).find((p) => p.type === 'timeZoneName')?.value;
    expect(['America/Eirunepe', 'America/Manaus', 'America/Noronha', 'America/Rio_Branco'].map(offset)).toEqual(['GMT-5', 'GMT-4', 'GMT-2', 'GMT-5']);
  });
});

describe('municipalityKey', () => {
  test('Given accents, case, punctuation and a trailing UF, then they do not matter', () => {
    expect(municipalityKey('  SÃO Paulo de Olivença/AM ', 'AM')).toBe('sao paulo de olivenca');
    expect(municipalityKey("Santa Bárbara d'Oeste")).toBe('santa barbara d oeste');
  });
});
