// The dashboard in a real browser (Debian's chromium driven by playwright-core): login → portfolio (updating live
// as an event arrives) → channels → strategies → work queue → case → an action, with screenshots kept under
// test/artifacts/.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { InvoiceRegisteredV1 } from '@regua/contracts';
import { uniqueName, waitFor } from '@regua/testing';
import { eventsOf, portfolio } from './fixture.ts';
import { cpf, event, startTestDashboard, type DashboardHarness, type TestUser } from './support.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
const NOW = new Date('2026-12-01T20:00:00Z');

describe('the dashboard in a browser', () => {
  const tenant = uniqueName('bank');
  const operator: TestUser = { id: 'operador', password: 'operador-demo-1', roles: ['operator'], scopes: [{ tenant, creditors: '*' }] };
  let h: DashboardHarness;
  let browser: Browser;
  let page: Page;
  let applied = 0;
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run infra/scripts/install-chromium.sh (as root, or with sudo) to install Debian's chromium for the browser tests`);
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await startTestDashboard({ clock: { now: () => NOW }, users: [operator] });
    for (const phase of eventsOf(tenant, portfolio(tenant, 24, 99))) {
      await h.publish(phase);
      applied += phase.length;
      await h.applied(applied);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'pt-BR' });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  test('login → portfolio with charts, which updates live when an event arrives', async () => {
    await page.goto(h.url('/ui/portfolio'));
    // Not signed in: the login form.
    await page.getByLabel('Usuário').fill(operator.id);
    await page.getByLabel('Senha').fill('wrong-password');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Usuário').fill(operator.id);
    await page.getByLabel('Senha').fill(operator.password);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('heading', { name: 'Carteira' }).waitFor();
    // The refused attempt above answered 401, as it should; from here on, no errors at all.
    problems.length = 0;
    await shot('01-portfolio');

    const api = await h.get<{ totals: { openCount: number } }>(`/v1/kpis/portfolio?tenant=${tenant}`, await h.token(operator));
    const openCount = page.locator('[data-kpi="open-count"]');
    expect(await openCount.textContent()).toBe(String(api.body.totals.openCount));
    expect(await page.locator('figure.chart svg').count()).toBeGreaterThanOrEqual(4);
    expect(await page.getByTestId('csv-aging').getAttribute('href')).toContain('/v1/kpis/portfolio?');

    // A new invoice arrives on Kafka: the open page shows it without a reload (server-sent events).
    await h.publish([
      {
        topic: InvoiceRegisteredV1.topic,
        debtorId: 'NEW',
        envelope: event(InvoiceRegisteredV1, tenant, NOW.toISOString(), {
          invoiceId: `${tenant}:INV-NEW`,
          revision: 1,
          invoice: { externalId: 'INV-NEW', creditor: { name: 'Credor', cnpj: '11222333000181' }, amountCents: 77_700, currency: 'BRL', issueDate: '2026-10-01', dueDate: '2026-11-01', status: 'open', productType: 'retail', debtor: { externalId: 'NEW', name: 'Nova Pessoa', taxId: { type: 'cpf', number: cpf(123_456_789) }, emails: [], phones: [] } },
        }),
      },
    ]);
    await waitFor('the live KPI to update', async () => (await openCount.textContent()) === String(api.body.totals.openCount + 1), 20_000);
    await shot('02-portfolio-live');
  });

  test('channels and strategies show the funnel and the intervals', async () => {
    await page.getByRole('link', { name: 'Canais' }).click();
    await page.getByRole('heading', { name: 'Funil por canal' }).waitFor();
    await shot('03-channels');
    await page.getByRole('link', { name: 'Estratégias' }).click();
    await page.getByRole('heading', { name: /Taxa de recuperação por braço/ }).waitFor();
    expect(await page.locator('svg circle').count()).toBeGreaterThan(0);
    await shot('04-strategies');
  });

  test('work queue → the case with its timeline → registering a promise to pay', async () => {
    await page.getByRole('link', { name: 'Fila de trabalho' }).click();
    const first = page.getByTestId('queue-case').first();
    await first.waitFor();
    await shot('05-queue');
    const caseId = await first.textContent();
    await first.click();
    await page.getByTestId('case-id').waitFor();
    expect(await page.getByTestId('case-id').textContent()).toBe(caseId);
    // An operator sees the CPF in clear, formatted.
    expect(await page.getByTestId('debtor-tax-id').textContent()).toMatch(/^\d{3}\.\d{3}\.\d{3}-\d{2}/);
    expect(await page.getByTestId('timeline').locator('li').count()).toBeGreaterThan(2);
    await shot('06-case');

    const form = page.getByTestId('action-promise-registered');
    await form.getByLabel('Valor (R$)').fill('150,00');
    await form.getByLabel('Pagar até').fill('2026-12-10');
    await form.getByRole('button', { name: 'Registrar promessa' }).click();
    await page.getByTestId('flash').waitFor();
    // The action went out as an event and came back into the read model: the timeline shows it after a reload.
    await waitFor('the promise on the timeline', async () => {
      await page.reload();
      return (await page.getByTestId('timeline').textContent())?.includes('promessa de pagamento de R$ 150,00');
    });
    await shot('07-case-after-action');
    expect(problems).toEqual([]);
  });
});
