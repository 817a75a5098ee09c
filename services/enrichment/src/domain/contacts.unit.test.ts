import { assessContacts, cleanContacts, normalizeEmail, normalizePhone } from './contacts.ts';

describe('normalizePhone', () => {
  test.each([
    ['(11) 98765-4321', 'bare DDD and number'],
    ['11987654321', 'digits only'],
    ['+55 11 98765-4321', 'with +55'],
    ['55 (11) 98765-4321', 'with 55 but no plus'],
    ['011 98765-4321', 'with the trunk 0'],
  ])('Given the mobile %p (%s), then it becomes +5511987654321', (raw) => {
    expect(normalizePhone(raw)).toEqual({ e164: '+5511987654321', kind: 'mobile' });
  });

  test.each([
    ['11 3456-7890', '+551134567890'],
    ['+55 (21) 2345-6789', '+552123456789'],
    ['0 31 5555-0000', '+553155550000'],
    ['(61) 4004-1234', '+556140041234'],
  ])('Given the landline %p (8 digits starting 2–5), then it becomes %s', (raw, e164) => {
    expect(normalizePhone(raw)).toEqual({ e164, kind: 'landline' });
  });

  test('Given a number in DDD 55 written without the country code, then 55 is read as the area code', () => {
    // 55 98765-4321 has 11 digits: DDD 55 (Rio Grande do Sul) + a 9-digit mobile.
    expect(normalizePhone('(55) 98765-4321')).toEqual({ e164: '+5555987654321', kind: 'mobile' });
    expect(normalizePhone('+55 55 98765-4321')).toEqual({ e164: '+5555987654321', kind: 'mobile' });
  });

  test.each([
    ['11 6456-7890', '8 digits starting with 6 (obsolete mobile)'],
    ['11 9456-7890', '8 digits starting with 9 (obsolete mobile)'],
    ['11 1456-7890', '8 digits starting with 1'],
    ['11 88765-4321', '9 digits not starting with 9'],
  ])('Given %p (%s), then it is rejected', (raw) => {
    expect(normalizePhone(raw)).toBeUndefined();
  });

  test.each(['(20) 98765-4321', '(10) 3456-7890', '(00) 98765-4321', '+55 (23) 98765-4321'])('Given %p with a DDD that does not exist, then it is rejected', (raw) => {
    expect(normalizePhone(raw)).toBeUndefined();
  });

  test.each(['98765-4321', '3456-7890', '11 987', '', 'no phone'])('Given %p, too short to hold DDD and number, then it is rejected', (raw) => {
    expect(normalizePhone(raw)).toBeUndefined();
  });

  test('Given too many digits, then it is rejected', () => {
    expect(normalizePhone('+55 11 98765-43210')).toBeUndefined();
  });
});

describe('normalizePhone on numbers that take calls only', () => {
  test.each([
    ['0800 123 4567', '+558001234567', 'toll-free'],
    ['4004-1234', '+5540041234', 'shared cost, no DDD'],
    ['(21) 7123-4567', '+552171234567', 'trunked radio, 8 digits in a mobile range'],
  ])('Given %p (%s), then it is a voice-only number', (raw, e164) => {
    expect(normalizePhone(raw)).toEqual({ e164, kind: 'landline' });
  });
});

describe('normalizeEmail', () => {
  test('Given an address with capitals and surrounding spaces, then it is trimmed and lower-cased', () => {
    expect(normalizeEmail('  Maria.Silva@Example.COM ')).toBe('maria.silva@example.com');
  });

  test.each(['maria', 'maria@', '@example.com', 'maria@example', 'maria silva@example.com', '', 'maria@gmial.com', 'maria@yopmail.com'])('Given %p, then no message may be sent to it', (raw) => {
    expect(normalizeEmail(raw)).toBeUndefined();
  });
});

describe('cleanContacts', () => {
  test('Given duplicates in different spellings and some invalid entries, then each contact appears once and the invalid ones are counted', () => {
    const result = cleanContacts(
      assessContacts({
        emails: ['Maria.Silva@example.com', ' maria.silva@EXAMPLE.com', 'not-an-email', 'maria@work.example'],
        phones: ['(11) 98765-4321', '+55 11 98765-4321', '11 3456-7890', '011 3456-7890', '(20) 98765-4321', '123'],
      }),
    );

    expect(result).toEqual({
      emails: ['maria.silva@example.com', 'maria@work.example'],
      mobilePhones: ['+5511987654321'],
      landlines: ['+551134567890'],
      // 'not-an-email', DDD 20 and '123'; duplicates are merged, not discarded
      discarded: 3,
    });
  });

  test('Given a mobile, a landline, a 0800 number, a misspelt and a disposable address, then only what a channel takes is listed and the rest counted', () => {
    const result = cleanContacts(
      assessContacts({ emails: ['ana@gmial.com', 'ana@mailinator.com', 'ana@empresa.com.br'], phones: ['(92) 99123-4567', '(92) 3234-5678', '0800 123 4567', '(92) 8123-4567'] }),
    );

    expect(result).toEqual({
      emails: ['ana@empresa.com.br'],
      mobilePhones: ['+5592991234567'],
      landlines: ['+559232345678', '+558001234567'],
      // the typo, the disposable box and the mobile without its ninth digit
      discarded: 3,
    });
  });

  test('Given no contacts, then everything is empty and nothing is discarded', () => {
    expect(cleanContacts(assessContacts({ emails: [], phones: [] }))).toEqual({ emails: [], mobilePhones: [], landlines: [], discarded: 0 });
  });
});
