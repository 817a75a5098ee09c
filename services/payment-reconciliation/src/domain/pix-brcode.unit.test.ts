import fc from 'fast-check';
// The independent parser: pix-utils (a published BR Code library) parses the TLV and checks the CRC with code that
// shares nothing with ours, so an encoder bug that our own decoder would mirror still fails these tests.
import { hasError, isDynamicPix, isStaticPix, parsePix } from 'pix-utils';
import { BrCodeError, classifyPixKey, crc16CcittFalse, decodeBrCode, dynamicBrCode, staticBrCode, txidFor, type StaticBrCodeInput } from './pix-brcode.ts';

/** Published in the BCB's BR Code manual (static example): EVP key, no amount, txid `***`, no field 01. */
const BCB_STATIC_EXAMPLE = '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';
/** A dynamic example in the manual's shape (upper-case GUI, URL in 26-25, point of initiation 12). */
const DYNAMIC_EXAMPLE = '00020101021226770014BR.GOV.BCB.PIX2555pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a995204000053039865802BR5907EMPRESA6009SAO PAULO62070503***6304EEAB';

const CPF = '52998224725';
const CNPJ = '11222333000181';
const CNPJ_ALPHANUMERIC = '12ABC34501DE35';
const EVP = '123e4567-e12b-12d1-a456-426655440000';

function independentlyParsed(payload: string) {
  const parsed = parsePix(payload);
  if (hasError(parsed)) throw new Error(`pix-utils rejected ${payload}: ${parsed.message}`);
  return parsed;
}

function errorOf(fn: () => unknown): BrCodeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BrCodeError) return error;
    throw error;
  }
  throw new Error('expected a BrCodeError');
}

describe('crc16CcittFalse', () => {
  test.each([
    ['123456789', '29B1'], // the CRC catalogue's check value for CRC-16/CCITT-FALSE
    ['', 'FFFF'], // nothing fed: the initial value
    ['A', 'B915'],
  ])('Given %p, then the CRC is %s', (text, crc) => {
    expect(crc16CcittFalse(text)).toBe(crc);
  });

  test("Given the BCB manual's static example, then its CRC (1D3D) is the one computed over everything up to 6304", () => {
    expect(crc16CcittFalse(BCB_STATIC_EXAMPLE.slice(0, -4))).toBe('1D3D');
  });
});

describe('staticBrCode', () => {
  const bcbInput: StaticBrCodeInput = { key: EVP, merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA' };

  test("Given the BCB manual example's data, then the code is the manual's with point of initiation 11 added and the CRC recomputed", () => {
    // 48CD computed apart from this code (a bit-by-bit CRC in Python) and accepted by pix-utils below.
    const expected = '000201' + '010211' + BCB_STATIC_EXAMPLE.slice(6, -4) + '48CD';

    expect(staticBrCode(bcbInput)).toBe(expected);
    expect(independentlyParsed(expected)).toMatchObject({ type: 'STATIC', pixKey: EVP, merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA', txid: '***' });
  });

  test('Given amount, description and txid, then each sits in its field and the independent parser reads them back', () => {
    const code = staticBrCode({ key: CPF, amountCents: 15990, description: 'Acordo 12', merchantName: 'Regua Cobrancas', merchantCity: 'Sao Paulo', txid: 'CASE123' });

    expect(code).toBe(
      '000201' + '010211' + '26460014br.gov.bcb.pix' + '0111' + CPF + '0209Acordo 12' + '52040000' + '5303986' + '5406159.90' + '5802BR' + '5915Regua Cobrancas' + '6009Sao Paulo' + '62110507CASE123' + '6304' + code.slice(-4),
    );
    expect(independentlyParsed(code)).toMatchObject({ pixKey: CPF, transactionAmount: 159.9, infoAdicional: 'Acordo 12', txid: 'CASE123' });
  });

  test('Given a merchant name and city with accents, then they are transliterated to ASCII', () => {
    const code = staticBrCode({ key: CPF, merchantName: 'José Conceição  Ltda', merchantCity: 'São Paulo' });

    expect(independentlyParsed(code)).toMatchObject({ merchantName: 'Jose Conceicao Ltda', merchantCity: 'Sao Paulo' });
  });

  test('Given any valid input, then the independent parser accepts the code and reads back every field', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9]{1,6}$/);
    const text = (max: number) => fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join(' ')).filter((s) => s.length <= max);
    const input = fc.record({
      key: fc.constantFrom(CPF, CNPJ, CNPJ_ALPHANUMERIC, EVP, 'cobranca@regua.example', '+5511987654321'),
      amountCents: fc.option(fc.integer({ min: 1, max: 999_999_999_999 }), { nil: undefined }),
      description: fc.option(text(20), { nil: undefined }),
      merchantName: text(25),
      merchantCity: text(15),
      txid: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,25}$/), { nil: undefined }),
    });

    fc.assert(
      fc.property(input, (given) => {
        const code = staticBrCode(given);
        const parsed = independentlyParsed(code);

        expect(code).toMatch(/^000201010211.*6304[0-9A-F]{4}$/);
        expect(isStaticPix(parsed) && parsed).toMatchObject({
          pixKey: given.key,
          merchantName: given.merchantName,
          merchantCity: given.merchantCity,
          txid: given.txid ?? '***',
          transactionAmount: given.amountCents === undefined ? 0 : given.amountCents / 100,
          ...(given.description === undefined ? {} : { infoAdicional: given.description }),
        });
        expect(decodeBrCode(code)).toEqual({
          kind: 'static',
          pointOfInitiation: '11',
          key: given.key,
          url: null,
          description: given.description ?? null,
          amountCents: given.amountCents ?? null,
          merchantName: given.merchantName,
          merchantCity: given.merchantCity,
          txid: given.txid ?? null,
        });
      }),
      { numRuns: 300 },
    );
  });

  test('Given one character of a generated code changed, then the independent parser rejects it (the oracle has teeth)', () => {
    const code = staticBrCode({ key: CPF, amountCents: 100, merchantName: 'Regua', merchantCity: 'Recife' });
    const tampered = code.replace('1.00', '1.01');

    expect(parsePix(tampered)).toMatchObject({ error: true, message: 'invalid crc' });
  });

  test.each([
    ['merchantName', { merchantName: 'A'.repeat(26) }, 'at most 25 characters, got 26'],
    ['merchantName', { merchantName: '   ' }, 'must not be empty'],
    ['merchantName', { merchantName: 'Café ☕' }, 'has characters with no ASCII transliteration'],
    ['merchantCity', { merchantCity: 'Sao Jose dos Campos' }, 'at most 15 characters, got 19'],
    ['txid', { txid: 'CASE-1' }, "a static code's txid is 1 to 25 letters and digits"],
    ['txid', { txid: 'A'.repeat(26) }, "a static code's txid is 1 to 25 letters and digits"],
    ['amountCents', { amountCents: 0 }, 'integer centavos from 1 to 999999999999'],
    ['amountCents', { amountCents: 10.5 }, 'integer centavos from 1 to 999999999999'],
    ['amountCents', { amountCents: 1_000_000_000_000 }, 'integer centavos from 1 to 999999999999'],
    ['description', { key: 'a'.repeat(60) + '@regua.example', description: 'Parcela 1' }, 'at most 0 characters with this key (field 26 holds 99)'],
  ])('Given an invalid %s, then a BrCodeError names it', (field, override, message) => {
    const error = errorOf(() => staticBrCode({ key: CPF, merchantName: 'Regua', merchantCity: 'Recife', ...override }));

    expect(error.field).toBe(field);
    expect(error.issues).toEqual([{ path: field, message }]);
    expect(error.code).toBe('validation');
  });
});

describe('classifyPixKey', () => {
  test.each([
    [CPF, 'cpf', CPF],
    ['529.982.247-25', 'cpf', CPF],
    [CNPJ, 'cnpj', CNPJ],
    ['12.abc.345/01de-35', 'cnpj', CNPJ_ALPHANUMERIC],
    ['Cobranca@Regua.Example', 'email', 'cobranca@regua.example'],
    ['+5511987654321', 'phone', '+5511987654321'],
    [EVP.toUpperCase(), 'evp', EVP],
  ])('Given %p, then it is a %s key stored as %p', (input, type, key) => {
    expect(classifyPixKey(input)).toEqual({ type, key });
  });

  test.each([
    ['52998224726', 'CPF check digits do not match'],
    ['11111111111', 'CPF check digits do not match'],
    ['11222333000182', 'CNPJ check digits do not match'],
    ['+551187654321', 'a phone key is +55, a two-digit area code and a nine-digit mobile number starting with 9'],
    ['+14155550100', 'a phone key is +55, a two-digit area code and a nine-digit mobile number starting with 9'],
    ['fulano@', 'not a valid e-mail key'],
    [`${'a'.repeat(70)}@regua.example`, 'an e-mail key has at most 77 characters'],
    ['123e4567e12b12d1a456426655440000', 'not a CPF, CNPJ, e-mail, +55 phone or random (EVP) key'],
  ])('Given %p, then it is rejected: %s', (input, message) => {
    expect(errorOf(() => classifyPixKey(input)).issues).toEqual([{ path: 'key', message }]);
  });
});

describe('dynamicBrCode', () => {
  test('Given a payload URL, then it goes in 26-25 without the scheme, with point of initiation 12 and *** as txid', () => {
    const code = dynamicBrCode({ url: 'https://pix.example.com/qr/v2/cobv/9d36b84fc70b478fb95c12729b90ca25', merchantName: 'Regua Cobrancas', merchantCity: 'São Paulo' });
    const parsed = independentlyParsed(code);

    expect(code).toBe(
      '000201' + '010212' + '26810014br.gov.bcb.pix' + '2559pix.example.com/qr/v2/cobv/9d36b84fc70b478fb95c12729b90ca25' + '52040000' + '5303986' + '5802BR' + '5915Regua Cobrancas' + '6009Sao Paulo' + '62070503***' + '6304' + code.slice(-4),
    );
    expect(isDynamicPix(parsed) && parsed).toMatchObject({ url: 'pix.example.com/qr/v2/cobv/9d36b84fc70b478fb95c12729b90ca25', merchantName: 'Regua Cobrancas', merchantCity: 'Sao Paulo' });
    expect(decodeBrCode(code)).toMatchObject({ kind: 'dynamic', pointOfInitiation: '12', url: 'pix.example.com/qr/v2/cobv/9d36b84fc70b478fb95c12729b90ca25', key: null, txid: null, amountCents: null });
  });

  test.each([
    ['http://pix.example.com/qr/1', 'the payload location is served over https only; give it without the scheme'],
    ['pix.example.com/qr/a b', 'printable ASCII without spaces'],
    [`pix.example.com/${'x'.repeat(62)}`, 'at most 77 characters (field 26 holds 99), got 78'],
  ])('Given the URL %p, then it is rejected', (url, message) => {
    const error = errorOf(() => dynamicBrCode({ url, merchantName: 'Regua', merchantCity: 'Recife' }));

    expect(error.field).toBe('url');
    expect(error.issues[0]?.message).toBe(message);
  });
});

describe('decodeBrCode', () => {
  test("Given the BCB manual's static example, then every field is read", () => {
    expect(decodeBrCode(BCB_STATIC_EXAMPLE)).toEqual({
      kind: 'static',
      pointOfInitiation: null,
      key: EVP,
      url: null,
      description: null,
      amountCents: null,
      merchantName: 'Fulano de Tal',
      merchantCity: 'BRASILIA',
      txid: null,
    });
  });

  test('Given a dynamic code with an upper-case GUI, then it is read as dynamic', () => {
    expect(decodeBrCode(DYNAMIC_EXAMPLE)).toMatchObject({ kind: 'dynamic', pointOfInitiation: '12', url: 'pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a99', merchantCity: 'SAO PAULO' });
  });

  test.each([
    ['a wrong CRC', BCB_STATIC_EXAMPLE.replace(/1D3D$/, '1D3E'), '63', 'CRC 1D3E does not match the payload (expected 1D3D)'],
    ['a truncated payload', BCB_STATIC_EXAMPLE.slice(0, 40), '26', 'declares 58 characters but only 30 remain'],
    ['no payload format indicator', BCB_STATIC_EXAMPLE.slice(6), '00', 'a BR Code starts with payload format indicator 000201'],
  ])('Given %s, then a BrCodeError names the field', (_, payload, field, message) => {
    expect(errorOf(() => decodeBrCode(payload)).issues).toEqual([{ path: field, message }]);
  });

  test('Given a merchant account without the Pix GUI, then it is rejected at field 26', () => {
    const body = '000201' + '26300014br.gov.bcb.xyz0108ABCDEFGH' + '52040000' + '5303986' + '5802BR' + '5905Regua' + '6006Recife' + '62070503***' + '6304';

    expect(errorOf(() => decodeBrCode(body + crc16CcittFalse(body))).field).toBe('26');
  });

  test('Given amounts written with one or no decimal place, then they are read as centavos', () => {
    const withAmount = (amount: string) => {
      const body = `00020126330014br.gov.bcb.pix0111${CPF}520400005303986540${amount.length}${amount}5802BR5905Regua6006Recife62070503***6304`;
      return decodeBrCode(body + crc16CcittFalse(body)).amountCents;
    };

    expect([withAmount('10'), withAmount('10.5'), withAmount('0.07')]).toEqual([1000, 1050, 7]);
  });
});

describe('txidFor', () => {
  test('Given the same case twice, then the txid is the same; 35 characters for dynamic codes, 25 for static', () => {
    const dynamic = txidFor({ caseId: 'banco:CASE-1' }, 'dynamic');

    expect(txidFor({ caseId: 'banco:CASE-1' }, 'dynamic')).toBe(dynamic);
    expect(dynamic).toMatch(/^[a-zA-Z0-9]{26,35}$/);
    expect(dynamic).toHaveLength(35);
    expect(txidFor({ caseId: 'banco:CASE-1' }, 'static')).toBe(dynamic.slice(0, 25));
  });

  test('Given a case and an agreement with the same id, or two installments, then their txids differ', () => {
    const txids = [txidFor({ caseId: 'X1' }, 'dynamic'), txidFor({ agreementId: 'X1' }, 'dynamic'), txidFor({ agreementId: 'X1', installment: 2 }, 'dynamic')];

    expect(new Set(txids).size).toBe(3);
  });

  test('Given a static txid, then a static code accepts it and the independent parser reads it back', () => {
    const txid = txidFor({ agreementId: 'AG-77', installment: 1 }, 'static');

    const parsed = independentlyParsed(staticBrCode({ key: CPF, merchantName: 'Regua', merchantCity: 'Recife', txid }));

    expect(isStaticPix(parsed) && parsed.txid).toBe(txid);
  });
});
