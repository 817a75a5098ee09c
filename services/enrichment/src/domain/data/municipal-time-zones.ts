/**
 * Municipalities whose zone differs from their state's, by normalised name (see `municipalityKey`).
 *
 * Amazonas: Lei 12.876/2013 (amending Decreto 2.784/1913) puts "the part of Amazonas west of the line from
 * Tabatinga to Porto Acre" on UTC−5, the rest on UTC−4. The law names no municipality, and the sources that do
 * disagree at the line:
 *  - IANA tz database (eggert/tz `southamerica`, 2026): America/Eirunepe (UTC−5) is "west Amazonas: Atalaia do
 *    Norte, Boca do Maoco, Benjamin Constant, Eirunepé, Envira, Ipixuna"; America/Manaus (UTC−4) is "east
 *    Amazonas: Boca do Acre, Jutaí, Manaus, Floriano Peixoto".
 *  - Portal Amazônia (reporting after the 2013 law) lists 11 municipalities on UTC−5: Amaturá, Atalaia do Norte,
 *    Benjamin Constant, Boca do Acre, Eirunepé, Envira, Guajará, Ipixuna, Itamarati, Pauini, São Paulo de Olivença.
 *  - Lists in circulation also name Lábrea and Tabatinga (and sometimes Jutaí).
 * Named UTC−5 by these sources and contradicted by none: the west list below. Named on both sides (Boca do Acre,
 * Amaturá, Lábrea, Tabatinga): disputed, so their zone is reported unknown and contact windows must hold in both
 * (a guess either way risks calls at 07:00 or 21:00 local). Jutaí: named east by the tz database and absent from
 * the Portal Amazônia list, so UTC−4 with the rest of the state.
 *
 * Pernambuco: Fernando de Noronha (a state district with its own CEP, 53990-000) is on UTC−2 (America/Noronha).
 * Pará (one zone, UTC−3, since Lei 11.662/2008), Mato Grosso and Tocantins have a single zone each.
 */
export const AMAZONAS_WEST_UTC_MINUS_5: readonly string[] = [
  'atalaia do norte', 'benjamin constant', 'eirunepe', 'envira', 'guajara', 'ipixuna', 'itamarati', 'pauini', 'sao paulo de olivenca',
];

export const AMAZONAS_DISPUTED: readonly string[] = ['amatura', 'boca do acre', 'labrea', 'tabatinga'];

/** Fernando de Noronha's CEP prefix (53990): the island's addresses carry it whatever the city field says. */
export const NORONHA_CEP_PREFIX = '53990';
export const NORONHA_MUNICIPALITY = 'fernando de noronha';
