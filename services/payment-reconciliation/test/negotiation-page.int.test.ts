// The debtor's self-service page in a real browser (Debian's chromium driven by playwright-core) at a phone's size:
// the case comes from real events on the real broker and database; the debtor sees the debt and offers, accepts the
// installments, gets the Pix code, and paying installment 1 by the Pix webhook publishes AgreementInstallmentPaid.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { AgreementInstallmentPaidV1, type EventOf } from '@regua/contracts';
import { waitFor } from '@regua/testing';
import { decodeBrCode } from '../src/domain/pix-brcode.ts';
import { startNegotiationHarness, valor, type NegotiationHarness } from './support/negotiation.ts';

const CHROMIUM = '/usr/bin/chromium';
const NOW = new Date('2026-12-14T13:00:00Z');

describe('the self-service negotiation page in a browser', () => {
  let h: NegotiationHarness;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run infra/scripts/install-chromium.sh (as root, or with sudo) to install Debian's chromium for the browser tests`);
    h = await startNegotiationHarness(NOW);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  test('given a planned case, the debtor sees the debt and offers on a phone, accepts 3 installments, gets the Pix code, and paying it publishes AgreementInstallmentPaid', async () => {
    const { token, caseId } = await h.openCase({ amountCents: 123_456, dueDate: '2026-11-05' });
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, locale: 'pt-BR' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    // When the debtor opens the link
    const response = await page.goto(h.url(`/negociar/${token}`));

    // Then the page shows the creditor, the debt updated to today with its breakdown, and the offers
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'nonce-");
    await page.getByText('Sua dívida hoje').waitFor();
    expect(await page.getByText('CNPJ 11.222.333/0001-81').count()).toBe(1);
    expect(await page.getByTestId('debt-total').textContent()).toMatch(/^R\$ 1\.2\d{2},\d{2}$/);
    for (const label of ['Valor original', 'Multa', 'Juros de mora', 'À vista com desconto', 'Parcelado']) expect(await page.getByText(label, { exact: true }).count()).toBeGreaterThan(0);
    // Fits the phone's width: nothing scrolls sideways
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);

    // When the debtor picks 3 installments and accepts
    const option = page.locator('#offer-installments option[data-installments="3"]');
    await page.selectOption('#offer-installments', (await option.getAttribute('value'))!);
    await page.getByRole('button', { name: 'Quero parcelar' }).click();

    // Then the agreement is shown with the first installment's Pix copia e cola and its due date
    const pix = page.getByTestId('pix-code');
    await pix.waitFor({ timeout: 15_000 });
    const code = await pix.inputValue();
    expect(decodeBrCode(code)).toMatchObject({ kind: 'static' });
    expect(await page.getByTestId('next-due').textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await page.getByRole('button', { name: 'Copiar código Pix' }).click();
    expect(problems).toEqual([]);
    await context.close();

    // When installment 1 is paid by Pix (the PSP's signed webhook)
    const decoded = decodeBrCode(code);
    const paid = await h.postPix([{ txid: decoded.txid!, valor: valor(decoded.amountCents!) }]);
    expect(paid.status).toBe(200);

    // Then AgreementInstallmentPaid is published for installment 1
    const event = await waitFor('AgreementInstallmentPaid', () => h.published<EventOf<typeof AgreementInstallmentPaidV1>>(AgreementInstallmentPaidV1.topic).find((e) => e.data.caseId === caseId));
    expect(event.data).toMatchObject({ number: 1, paidCents: decoded.amountCents });
  });

  test('a forged link answers 401 with a friendly pt-BR page', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 667 } });
    const response = await page.goto(h.url(`/negociar/${h.link('case-x', undefined, 'forged-secret-of-some-length')}`));
    expect(response?.status()).toBe(401);
    await page.getByText('Não conseguimos abrir este link', { exact: false }).waitFor();
    await page.close();
  });
});
