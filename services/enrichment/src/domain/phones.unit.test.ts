import { assessPhone, isKnownDdd } from './phones.ts';

describe('assessPhone: what a Brazilian number can receive', () => {
  test.each([
    ['(11) 98765-4321', '+5511987654321', '11'],
    ['+55 (92) 99123-4567', '+5592991234567', '92'],
    ['0xx11 98765-4321', '+5511987654321', '11'],
    ['0 15 11 98765-4321', '+5511987654321', '11'],
    ['5511987654321', '+5511987654321', '11'],
  ])('Given the mobile %p with its ninth digit, then it is %s in DDD %s and takes SMS, WhatsApp and calls', (raw, e164, ddd) => {
    expect(assessPhone(raw)).toEqual({ valid: true, original: raw, e164, ddd, type: 'mobile', channels: ['sms', 'whatsapp', 'voice'], reasons: [] });
  });

  test.each([
    ['11 3456-7890', '+551134567890'],
    ['(0xx21) 2345-6789', '+552123456789'],
    ['(61) 4004-1234', '+556140041234'],
  ])('Given the landline %p, then it is %s and takes calls only', (raw, e164) => {
    expect(assessPhone(raw)).toMatchObject({ valid: true, e164, type: 'landline', channels: ['voice'], reasons: ['landline_voice_only'] });
  });

  test.each([
    ['0800 123 4567', 'toll_free'],
    ['4004-1234', 'shared_cost'],
  ])('Given the company number %p, then it is valid (%s), has no DDD and takes calls only', (raw, type) => {
    const phone = assessPhone(raw);
    expect(phone).toMatchObject({ valid: true, type, channels: ['voice'], reasons: ['non_geographic_voice_only'] });
    expect(phone).not.toHaveProperty('ddd');
  });

  test('Given eight digits in a radio (SME) mobile range, then it is a mobile for calls only, not for SMS or WhatsApp', () => {
    expect(assessPhone('(21) 7123-4567')).toMatchObject({ valid: true, type: 'mobile', channels: ['voice'], reasons: ['radio_voice_only'] });
  });

  test.each([
    ['11 9456-7890', '+5511994567890'],
    ['(92) 8123-4567', '+5592981234567'],
    ['11 6456-7890', '+5511964567890'],
  ])('Given the old eight-digit mobile %p, then it is refused and the ninth digit is suggested (%s), not applied', (raw, suggestion) => {
    expect(assessPhone(raw)).toEqual({ valid: false, original: raw, reasons: ['missing_ninth_digit'], suggestion });
  });

  test.each(['(20) 98765-4321', '(23) 3456-7890', '+55 (26) 98765-4321', '(10) 3456-7890'])('Given %p, whose DDD Anatel never assigned, then it is refused for that reason', (raw) => {
    expect(assessPhone(raw)).toEqual({ valid: false, original: raw, reasons: ['unknown_ddd'] });
  });

  test.each(['98765-4321', '3456-7890'])('Given %p without DDD, then it is refused: the area cannot be guessed', (raw) => {
    expect(assessPhone(raw).reasons).toEqual(['missing_ddd']);
  });

  test.each([
    ['11 88765-4321', 'invalid_number'],
    ['+55 11 98765-43210', 'invalid_number'],
    ['+1 650 253 0000', 'foreign_number'],
    ['+351 912 345 678', 'foreign_number'],
    ['no phone', 'unreadable'],
    ['', 'unreadable'],
  ])('Given %p, then it is refused (%s)', (raw, reason) => {
    expect(assessPhone(raw)).toEqual({ valid: false, original: raw, reasons: [reason] });
  });
});

describe('isKnownDdd', () => {
  test.each(['11', '21', '55', '61', '68', '69', '92', '99'])('Given DDD %s, then it exists', (ddd) => {
    expect(isKnownDdd(ddd)).toBe(true);
  });

  test.each(['00', '10', '20', '23', '25', '26', '29', '30', '36', '39', '40', '50', '52', '56', '57', '58', '59', '60', '70', '72', '76', '78', '80', '90', '1', 'ab'])(
    'Given %p, then no such DDD',
    (ddd) => {
      expect(isKnownDdd(ddd)).toBe(false);
    },
  );
});
