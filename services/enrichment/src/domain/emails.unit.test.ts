import { assessEmail, isDisposableDomain, suggestDomain } from './emails.ts';

describe('assessEmail', () => {
  test('Given an address with capitals and spaces around it, then it is valid, trimmed and lower-cased, at full confidence, and may be sent to', () => {
    expect(assessEmail('  Maria.Silva@Example.COM ')).toEqual({ valid: true, original: '  Maria.Silva@Example.COM ', address: 'maria.silva@example.com', confidence: 1, channels: ['email'], reasons: [] });
  });

  test.each([
    ['maria@gmial.com', 'maria@gmail.com'],
    ['maria@hotmial.com', 'maria@hotmail.com'],
    ['jose@yaho.com.br', 'jose@yahoo.com.br'],
    ['ana@outlok.com', 'ana@outlook.com'],
    ['ana@gmail.con', 'ana@gmail.com'],
    ['ana@gmaill.com', 'ana@gmail.com'],
    ['ana@hotmail.co', 'ana@hotmail.com'],
    ['Ana@GMAIL.COM.BR', 'ana@gmail.com'],
  ])('Given %p, then the fix %p is suggested, the original kept, the confidence lowered and nothing sent until someone confirms', (raw, suggestion) => {
    const email = assessEmail(raw);
    expect(email).toEqual({ valid: true, original: raw, address: raw.toLowerCase(), confidence: 0.3, channels: [], suggestion, reasons: ['suspected_typo'] });
  });

  test.each(['ana@uol.com.br', 'ana@bol.com.br', 'ana@mail.com', 'ana@gmail.com', 'ana@hotmail.com.br', 'ana@live.com', 'ana@empresa.com.br', 'ana@me.co'])(
    'Given %p, a real provider or one too far from any, then no typo is suspected',
    (raw) => {
      expect(assessEmail(raw)).toMatchObject({ valid: true, confidence: 1, channels: ['email'], reasons: [] });
    },
  );

  test('Given a domain one keystroke from two providers (sol.com.br: uol and bol), then nothing is suggested', () => {
    expect(suggestDomain('sol.com.br')).toBeUndefined();
  });

  test.each(['x@mailinator.com', 'x@YOPMAIL.com', 'x@inbox.guerrillamail.com'])('Given the disposable %p, then it is valid but low in confidence and never sent to', (raw) => {
    expect(assessEmail(raw)).toMatchObject({ valid: true, confidence: 0.2, channels: [], reasons: ['disposable_domain'] });
  });

  test('Given a domain that only ends like a disposable one, then it is not taken for one', () => {
    expect(isDisposableDomain('notmailinator.com')).toBe(false);
  });

  test('Given a comma for the dot (maria@gmail,com), then it is invalid and the fix is suggested', () => {
    expect(assessEmail('maria@gmail,com')).toEqual({ valid: false, original: 'maria@gmail,com', confidence: 0, channels: [], suggestion: 'maria@gmail.com', reasons: ['invalid_syntax'] });
  });

  test.each(['maria', 'maria@', '@example.com', 'maria@example', 'maria silva@example.com', '', 'a..b@x.com', '.a@x.com', 'a@-x.com', 'a@x.c0m', 'a@b@c.com', `${'a'.repeat(65)}@x.com`])(
    'Given %p, then it is not an address',
    (raw) => {
      expect(assessEmail(raw)).toEqual({ valid: false, original: raw, confidence: 0, channels: [], reasons: ['invalid_syntax'] });
    },
  );
});
