import { verifyLinkToken, type LinkClaims } from '@regua/auth';

export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; status: 401 | 410; message: string };

/** A debtor's link: 401 for one not signed by us (or mangled), 410 for one past its expiry, with words for the debtor. */
export function checkLink(token: string, secret: string, now: Date): LinkCheck {
  const verified = verifyLinkToken(token, secret, now);
  if (verified.valid) return { ok: true, claims: verified.claims };
  if (verified.reason === 'expired') return { ok: false, status: 410, message: 'Este link expirou. Peça um novo link pelo mesmo canal em que recebeu este, ou fale com a nossa central.' };
  return { ok: false, status: 401, message: 'Não conseguimos abrir este link. Confira se ele foi copiado inteiro, ou peça um novo link.' };
}
