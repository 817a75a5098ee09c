import { randomBytes } from 'node:crypto';
import type { Express, Response } from 'express';
import { NotFoundError } from '@regua/errors';
import type { Clock } from '@regua/service-kit';
import { formatDateBr } from '../../domain/negotiation/calendar.ts';
import { formatBrl, formatPercent } from '../../domain/negotiation/money.ts';
import type { Negotiation, NegotiationView } from '../../negotiation.ts';
import { checkLink } from './self-service-link.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every piece of text put in the page goes through this: nothing a creditor or debtor typed becomes markup. */
export const escapeHtml = (value: string | number): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

const STATUS_LABEL: Record<string, string> = { paid: 'paga', partially_paid: 'paga em parte', open: 'em aberto', late: 'em atraso' };
const AGREEMENT_LABEL: Record<string, string> = { active: 'em dia', settled: 'quitado', broken: 'desfeito' };

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f4f6f8}
main{max-width:480px;margin:0 auto;padding:16px}
header{padding:8px 0 4px}h1{font-size:1.3rem;margin:0 0 4px}h2{font-size:1.1rem;margin:0 0 8px}
.muted{color:#52606d;font-size:.9rem}
.card{background:#fff;border-radius:12px;padding:16px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.total{font-size:1.8rem;font-weight:700;margin:4px 0}
dl{display:grid;grid-template-columns:1fr auto;gap:4px 12px;margin:8px 0}dt{color:#52606d}dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}
button,select,textarea{font:inherit;width:100%;border-radius:8px}
button{background:#0b6e4f;color:#fff;border:0;padding:12px;font-weight:600;margin-top:8px;cursor:pointer;min-height:44px}
button.secondary{background:#fff;color:#0b6e4f;border:1px solid #0b6e4f}
button:disabled{opacity:.6}
select,textarea{padding:10px;border:1px solid #9aa5b1;background:#fff;margin-top:4px}
textarea.pix{font:13px/1.3 ui-monospace,monospace;height:96px;word-break:break-all}
.badge{display:inline-block;background:#e3f8ef;color:#0b6e4f;border-radius:999px;padding:2px 10px;font-size:.85rem;font-weight:600}
.warn{background:#fff4e5;color:#8a4b08}
ol{padding-left:20px}li{margin:4px 0}
details summary{cursor:pointer;color:#0b6e4f;font-weight:600;min-height:32px}
.msg{margin-top:8px;font-weight:600}.msg.error{color:#b42318}
pre.terms{white-space:pre-wrap;font:inherit;font-size:.85rem;color:#52606d}
`;

/** Accept, copy and contest; the agreement itself is drawn by the server (the page reloads once it is made). */
const SCRIPT = `
(function(){
  var token = decodeURIComponent(location.pathname.split('/').pop() || '');
  var api = '/v1/negotiation/' + encodeURIComponent(token);
  function say(el, text, isError){ el.textContent = text; el.className = 'msg' + (isError ? ' error' : ''); }
  function post(path, body){
    return fetch(api + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function(r){ return r.json().catch(function(){ return {}; }).then(function(j){ return { ok: r.ok, body: j }; }); });
  }
  document.querySelectorAll('[data-accept]').forEach(function(button){
    button.addEventListener('click', function(){
      var source = document.getElementById(button.getAttribute('data-accept'));
      var offerId = source ? source.value : '';
      var msg = document.getElementById('offers-msg');
      button.disabled = true; say(msg, 'Gerando seu acordo…');
      post('/agreements', { offerId: offerId }).then(function(r){
        if (r.ok) { location.reload(); return; }
        button.disabled = false;
        say(msg, (r.body && r.body.error && r.body.error.message) || 'Não foi possível fazer o acordo agora. Tente de novo em instantes.', true);
      }, function(){ button.disabled = false; say(msg, 'Sem conexão. Tente de novo em instantes.', true); });
    });
  });
  document.querySelectorAll('[data-copy]').forEach(function(button){
    button.addEventListener('click', function(){
      var field = document.getElementById(button.getAttribute('data-copy'));
      var done = function(){ button.textContent = 'Copiado!'; setTimeout(function(){ button.textContent = 'Copiar código Pix'; }, 2500); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(field.value).then(done, function(){ field.select(); document.execCommand('copy'); done(); });
      else { field.select(); document.execCommand('copy'); done(); }
    });
  });
  var form = document.getElementById('dispute-form');
  if (form) form.addEventListener('submit', function(event){
    event.preventDefault();
    var msg = document.getElementById('dispute-msg');
    var details = form.elements.details.value.trim();
    var body = { reason: form.elements.reason.value };
    if (details) body.details = details;
    say(msg, 'Enviando…');
    post('/disputes', body).then(function(r){
      if (r.ok) { form.querySelector('button').disabled = true; say(msg, 'Recebemos sua contestação. A cobrança fica pausada até analisarmos, e avisaremos você.'); return; }
      say(msg, (r.body && r.body.error && r.body.error.message) || 'Não foi possível enviar agora. Tente de novo.', true);
    }, function(){ say(msg, 'Sem conexão. Tente de novo em instantes.', true); });
  });
})();
`;

function layout(title: string, body: string, nonce: string): string {
  return `<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${body}</main><script nonce="${nonce}">${SCRIPT}</script></body></html>`;
}

function debtSection(view: NegotiationView): string {
  const { debt } = view;
  const rows: Array<[string, number]> = [
    ['Valor original', debt.principalCents],
    ['Correção monetária', debt.correctionCents],
    ['Multa', debt.fineCents],
    ['Juros de mora', debt.interestCents],
  ];
  return `<section class="card" aria-labelledby="debt-title"><h2 id="debt-title">Sua dívida hoje</h2>
<p class="total" data-testid="debt-total">${escapeHtml(formatBrl(debt.totalCents))}</p>
<p class="muted">Atualizada em ${escapeHtml(formatDateBr(view.today))}${debt.daysOverdue > 0 ? ` · ${escapeHtml(debt.daysOverdue)} ${debt.daysOverdue === 1 ? 'dia' : 'dias'} de atraso` : ''}</p>
<dl>${rows.map(([label, cents]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(formatBrl(cents))}</dd>`).join('')}</dl>
<details><summary>Como calculamos</summary><ul class="muted">${debt.breakdown.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul></details></section>`;
}

function offersSection(view: NegotiationView): string {
  if (view.offers.length === 0) return '';
  const full = view.offers.find((o) => o.kind === 'full');
  const plans = view.offers.filter((o) => o.kind === 'installments');
  const fullCard = full
    ? `<div class="card"><h2>À vista com desconto</h2><p class="total">${escapeHtml(formatBrl(full.totalCents))}</p>
<p class="muted">Desconto de ${escapeHtml(formatBrl(full.discountCents))} · pague até ${escapeHtml(formatDateBr(full.firstDueDate))}</p>
<input type="hidden" id="offer-full" value="${escapeHtml(full.id)}"><button type="button" data-accept="offer-full">Quero pagar à vista</button></div>`
    : '';
  const planLabel = (o: (typeof plans)[number]) =>
    'installmentCents' in o
      ? `${o.downPaymentCents > 0 ? `Entrada de ${formatBrl(o.downPaymentCents)} + ` : ''}${o.installments}× de ${formatBrl(o.installmentCents)} (total ${formatBrl(o.totalCents)})`
      : formatBrl(o.totalCents);
  const first = plans[0];
  const planCard =
    first && 'monthlyRate' in first
      ? `<div class="card"><h2>Parcelado</h2><label for="offer-installments" class="muted">Escolha o número de parcelas (juros de ${escapeHtml(formatPercent(first.monthlyRate))} ao mês)</label>
<select id="offer-installments">${plans.map((o) => `<option value="${escapeHtml(o.id)}" data-installments="${escapeHtml(o.installments)}">${escapeHtml(planLabel(o))}</option>`).join('')}</select>
<p class="muted">Primeiro pagamento em ${escapeHtml(formatDateBr(first.firstDueDate))}, depois todo mês.</p>
<button type="button" data-accept="offer-installments">Quero parcelar</button></div>`
      : '';
  return `<section aria-labelledby="offers-title"><h2 id="offers-title">Como você prefere pagar?</h2>${fullCard}${planCard}<p id="offers-msg" class="msg" role="status"></p></section>`;
}

function agreementSection(view: NegotiationView): string {
  const agreement = view.agreement;
  if (!agreement) return '';
  const next = agreement.installments.find((i) => i.status !== 'paid');
  const badge = `<span class="badge${agreement.status === 'broken' ? ' warn' : ''}">Acordo ${escapeHtml(AGREEMENT_LABEL[agreement.status] ?? agreement.status)}</span>`;
  const pay =
    next && agreement.status === 'active'
      ? `<h2>Pague a parcela ${escapeHtml(next.number)} de ${escapeHtml(agreement.installments.length)}</h2>
<p class="total">${escapeHtml(formatBrl(next.amountCents))}</p><p class="muted">Vencimento em <strong data-testid="next-due">${escapeHtml(formatDateBr(next.dueDate))}</strong></p>
<label for="pix-code" class="muted">Pix copia e cola</label><textarea id="pix-code" class="pix" readonly data-testid="pix-code">${escapeHtml(next.pixCopyPaste)}</textarea>
<button type="button" data-copy="pix-code">Copiar código Pix</button>`
      : agreement.status === 'settled'
        ? '<h2>Tudo pago. Obrigado!</h2><p>Suas faturas deste acordo estão quitadas.</p>'
        : '';
  return `<section class="card" aria-labelledby="agreement-title"><h2 id="agreement-title">Seu acordo</h2>${badge}${pay}
<ol>${agreement.installments.map((i) => `<li>${escapeHtml(formatBrl(i.amountCents))} em ${escapeHtml(formatDateBr(i.dueDate))} · ${escapeHtml(STATUS_LABEL[i.status] ?? i.status)}</li>`).join('')}</ol>
<details><summary>Termos do acordo</summary><pre class="terms">${escapeHtml(agreement.terms)}</pre></details></section>`;
}

const DISPUTE_REASONS: Array<[string, string]> = [
  ['already-paid', 'Eu já paguei'],
  ['not-mine', 'Não reconheço esta dívida'],
  ['wrong-amount', 'O valor está errado'],
  ['fraud', 'Acho que é fraude'],
  ['other', 'Outro motivo'],
];

const disputeSection = () => `<section class="card"><details><summary>Não concorda com esta cobrança? Contestar</summary>
<form id="dispute-form"><label for="reason" class="muted">Motivo</label><select id="reason" name="reason">${DISPUTE_REASONS.map(([value, label]) => `<option value="${value}">${escapeHtml(label)}</option>`).join('')}</select>
<label for="details" class="muted">Conte mais, se quiser (opcional)</label><textarea id="details" name="details" maxlength="2000" rows="3"></textarea>
<button type="submit" class="secondary">Enviar contestação</button><p id="dispute-msg" class="msg" role="status"></p></form></details></section>`;

function pageFor(view: NegotiationView, nonce: string): string {
  const body = `<header><p class="muted">Cobrança de</p><h1>${escapeHtml(view.creditor.name)}</h1>${view.creditor.cnpj ? `<p class="muted">CNPJ ${escapeHtml(view.creditor.cnpj)}</p>` : ''}
<p>Olá! Aqui você vê sua dívida atualizada e escolhe a forma de pagar que cabe no seu bolso.</p></header>
${agreementSection(view)}${debtSection(view)}${offersSection(view)}${disputeSection()}`;
  return layout(`Negociação · ${view.creditor.name}`, body, nonce);
}

const messagePage = (title: string, message: string, nonce: string) => layout(title, `<section class="card"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></section>`, nonce);

function sendHtml(res: Response, status: number, html: string, nonce: string): void {
  res.setHeader('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`);
  res.setHeader('cache-control', 'no-store');
  // The token is in the URL: no page it links to may see it.
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-content-type-options', 'nosniff');
  res.status(status).type('html').send(html);
}

/** `GET /negociar/:token`: the debtor's page, the link notification sends. */
export function negotiationPageRoutes(deps: { negotiation: Negotiation; secret: string; clock: Clock }) {
  return (app: Express) => {
    app.get('/negociar/:token', async (req, res) => {
      const nonce = randomBytes(16).toString('base64');
      const link = checkLink(req.params.token, deps.secret, deps.clock.now());
      if (!link.ok) return sendHtml(res, link.status, messagePage(link.status === 410 ? 'Link expirado' : 'Link inválido', link.message, nonce), nonce);
      try {
        sendHtml(res, 200, pageFor(await deps.negotiation.view(link.claims), nonce), nonce);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        sendHtml(res, 404, messagePage('Ainda estamos preparando sua negociação', 'Tente de novo daqui a alguns minutos. Se preferir, fale com a nossa central.', nonce), nonce);
      }
    });
  };
}
