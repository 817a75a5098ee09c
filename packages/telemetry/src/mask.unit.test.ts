import { maskPersonalData } from './redact.ts';

describe('maskPersonalData', () => {
  test('Given CPFs written with or without punctuation, then they are masked', () => {
    expect(maskPersonalData('debtor 123.456.789-09 not found')).toBe('debtor [number] not found');
    expect(maskPersonalData('cpf=12345678909;')).toBe('cpf=[number];');
  });

  test('Given a CNPJ, then it is masked', () => {
    expect(maskPersonalData('creditor 12.345.678/0001-95 unknown')).toBe('creditor [number] unknown');
    expect(maskPersonalData('creditor 12345678000195 unknown')).toBe('creditor [number] unknown');
  });

  test('Given phone numbers in the usual Brazilian shapes, then they are masked', () => {
    expect(maskPersonalData('sms to +55 (11) 91234-5678 failed')).toBe('sms to [number] failed');
    expect(maskPersonalData('sms to (11) 91234-5678 failed')).toBe('sms to ([number] failed');
    expect(maskPersonalData('whatsapp 11912345678 rejected')).toBe('whatsapp [number] rejected');
    expect(maskPersonalData('landline 3333-4444')).toBe('landline [number]');
  });

  test('Given e-mail addresses, then they are masked', () => {
    expect(maskPersonalData('bounce from maria.silva+cobranca@example.com.br: mailbox full')).toBe('bounce from [email]: mailbox full');
  });

  test('Given short numbers, ISO dates and field paths, then they stay readable', () => {
    const text = 'E11000 duplicate key at data.items[3] on 2026-11-25, attempt 4 of 5, offset 1234567';
    expect(maskPersonalData(text)).toBe(text);
  });

  test('Given a JSON fragment with personal data, then only the personal parts are masked', () => {
    expect(maskPersonalData('{"document":"98765432100","email":"ana@x.io","amount":1500}')).toBe('{"document":"[number]","email":"[email]","amount":1500}');
  });

  test('Given alphanumeric CNPJs (issued since July 2026), formatted or bare, then they are masked; ids and words are not', () => {
    expect(maskPersonalData('creditor 12.ABC.345/01DE-35 unknown')).toBe('creditor [number] unknown');
    expect(maskPersonalData('creditor 12ABC34501DE35 unknown')).toBe('creditor [number] unknown');
    expect(maskPersonalData('event 6f1c2f0e-5d43-4a53-9a56-0a8f5e1d2c01 of DEMO-MWXKQB0U-1, CONSTITUTIONAL12')).toBe('event 6f1c2f0e-5d43-4a53-9a56-0a8f5e1d2c01 of DEMO-MWXKQB0U-1, CONSTITUTIONAL12');
  });
});
