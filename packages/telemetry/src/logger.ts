import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs. Personal data (CPF/CNPJ, e-mails, phones, names) is redacted by key wherever it appears,
 * as LGPD asks; log ids, never the person.
 */
export function createLogger(options: { service: string; level?: string }): Logger {
  return pino({
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['*.taxId', '*.cpf', '*.cnpj', '*.emails', '*.phones', '*.email', '*.phone', 'debtor.name', '*.debtor.name', 'req.headers.authorization', 'req.headers["x-api-key"]'],
      censor: '[redacted]',
    },
  });
}

/** Keeps the last two digits: enough for support to tell documents apart, useless to anyone else. */
export function maskDocument(document: string): string {
  const digits = document.replace(/\D/g, '');
  return digits.length <= 2 ? '**' : `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}
