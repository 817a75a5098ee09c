import { tenantsOf, type Principal, can } from '../../domain/access.ts';
import { brl, percent } from '../../domain/format.ts';
import type { ChannelsView, FunnelRow, PortfolioView, StrategyRow } from '../../domain/kpis.ts';
import type { CaseDetail, Filters } from '../../queries.ts';
import type { QueueDoc } from '../../store/documents.ts';
import { columnChart, groupedBars, intervalChart } from './charts.ts';
import { escapeHtml as e } from './html.ts';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f4f6f8}
header.top{background:#0b3d2e;color:#fff;display:flex;align-items:center;gap:24px;padding:10px 24px}
header.top a{color:#d9f2e6;text-decoration:none;font-weight:600}header.top a.active{color:#fff;border-bottom:2px solid #6fcf97}
header.top .who{margin-left:auto;font-size:.85rem;color:#b7d9c9}header.top form{display:inline}header.top button{background:none;border:1px solid #6fcf97;color:#fff;border-radius:6px;padding:2px 8px;cursor:pointer}
main{max-width:1200px;margin:0 auto;padding:16px 24px}
h1{font-size:1.4rem;margin:8px 0 12px}h2{font-size:1.05rem;margin:0 0 8px}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;background:#fff;padding:10px 12px;border-radius:10px;margin-bottom:12px}
.filters label{display:flex;flex-direction:column;font-size:.8rem;color:#52606d}
.filters input,.filters select{font:inherit;padding:4px 6px;border:1px solid #9aa5b1;border-radius:6px}
button.primary{background:#0b6e4f;color:#fff;border:0;border-radius:6px;padding:6px 14px;font-weight:600;cursor:pointer}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-bottom:12px}
.card{background:#fff;border-radius:10px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.card .k{font-size:.8rem;color:#52606d}.card .v{font-size:1.4rem;font-weight:700;font-variant-numeric:tabular-nums}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
section.panel{background:#fff;border-radius:10px;padding:12px 14px;margin-bottom:12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e4e7eb}th{font-size:.8rem;color:#52606d}
td.n,th.n{text-align:right}
figure.chart{margin:0}figure.chart figcaption{font-size:.8rem;color:#52606d}
.csv{font-size:.8rem}.csv a{margin-right:8px}
.badge{display:inline-block;border-radius:999px;padding:1px 8px;font-size:.8rem;font-weight:600;background:#e3f8ef;color:#0b6e4f}.badge.warn{background:#fff4e5;color:#8a4b08}.badge.bad{background:#fde8e8;color:#9b1c1c}
.flash{background:#e3f8ef;border-left:4px solid #0b6e4f;padding:8px 12px;border-radius:6px;margin-bottom:12px}
.actions form{display:flex;flex-wrap:wrap;gap:6px;align-items:end;margin-bottom:8px}.actions label{display:flex;flex-direction:column;font-size:.8rem;color:#52606d}
.actions input,.actions select{font:inherit;padding:4px 6px;border:1px solid #9aa5b1;border-radius:6px}
.muted{color:#52606d;font-size:.85rem}ol.timeline{padding-left:18px}ol.timeline li{margin:3px 0}
.login{max-width:360px;margin:10vh auto;background:#fff;padding:24px;border-radius:12px;box-shadow:0 2px 6px rgba(0,0,0,.08)}
.login label{display:block;margin:10px 0 4px}.login input{width:100%;font:inherit;padding:8px;border:1px solid #9aa5b1;border-radius:6px}.login button{width:100%;margin-top:16px;padding:10px}
.error{color:#b42318;font-weight:600}
`;

/** Live views: when the read model changes, the live section is fetched again (server-sent events, polling as a fallback). */
const LIVE_SCRIPT = `
(function(){var live=document.getElementById('live');if(!live)return;var url=new URL(location.href);url.searchParams.set('fragment','1');
var busy=false;function refresh(){if(busy)return;busy=true;fetch(url,{credentials:'same-origin'}).then(function(r){return r.ok?r.text():null}).then(function(html){if(html!==null){live.innerHTML=html;live.dataset.refreshedAt=new Date().toISOString();}}).finally(function(){busy=false;});}
if(window.EventSource){var s=new EventSource('/v1/stream?tenant='+encodeURIComponent(live.dataset.tenant));s.addEventListener('refresh',refresh);}else{setInterval(refresh,15000);}})();
`;

type Section = 'portfolio' | 'channels' | 'strategies' | 'queue' | 'case';

export function layout(options: { title: string; principal: Principal; active: Section; body: string; nonce: string; live?: boolean }): string {
  const nav: Array<[Section, string, string]> = [
    ['portfolio', '/ui/portfolio', 'Carteira'],
    ['channels', '/ui/channels', 'Canais'],
    ['strategies', '/ui/strategies', 'Estratégias'],
    ['queue', '/ui/queue', 'Fila de trabalho'],
  ];
  return `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(options.title)} · Régua</title><style nonce="${options.nonce}">${STYLE}</style></head>
<body><header class="top"><strong>Régua</strong>${nav.map(([id, href, label]) => `<a href="${href}"${id === options.active ? ' class="active"' : ''}>${label}</a>`).join('')}
<span class="who" data-testid="who">${e(options.principal.name)} · ${e(options.principal.roles.join(', '))}</span><form method="post" action="/logout"><button type="submit">Sair</button></form></header>
<main>${options.body}</main>${options.live ? `<script nonce="${options.nonce}">${LIVE_SCRIPT}</script>` : ''}</body></html>`;
}

export function loginPage(options: { next: string; error: string | null; nonce: string }): string {
  return `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Entrar · Régua</title><style nonce="${options.nonce}">${STYLE}</style></head>
<body><form class="login" method="post" action="/login"><h1>Régua · painel de cobrança</h1>
${options.error ? `<p class="error" role="alert">${e(options.error)}</p>` : ''}
<input type="hidden" name="next" value="${e(options.next)}">
<label for="username">Usuário</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Senha</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="primary" type="submit">Entrar</button></form></body></html>`;
}

const SEGMENTS = ['low_risk', 'medium_risk', 'high_risk', 'unscored'];

function query(f: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ tenant: f.tenant, from: f.from, to: f.to, ...(f.segment ? { segment: f.segment } : {}), ...(f.creditors !== '*' && f.creditors.length === 1 ? { creditor: f.creditors[0]! } : {}), ...extra });
  return params.toString();
}

function filterForm(f: Filters, principal: Principal, path: string, csv: Array<[string, string]>): string {
  const tenants = tenantsOf(principal);
  return `<form class="filters" method="get" action="${path}">
<label>Cliente (tenant)<select name="tenant">${tenants.map((t) => `<option${t === f.tenant ? ' selected' : ''}>${e(t)}</option>`).join('')}</select></label>
<label>Credor (CNPJ)<input name="creditor" size="16" value="${f.creditors !== '*' && f.creditors.length === 1 ? e(f.creditors[0]!) : ''}" placeholder="todos"></label>
<label>De<input type="date" name="from" value="${e(f.from)}"></label><label>Até<input type="date" name="to" value="${e(f.to)}"></label>
<label>Segmento<select name="segment"><option value="">todos</option>${SEGMENTS.map((s) => `<option${s === f.segment ? ' selected' : ''}>${s}</option>`).join('')}</select></label>
<button class="primary" type="submit">Filtrar</button>
<span class="csv">CSV: ${csv.map(([href, label]) => `<a href="${href}?${e(query(f, { format: 'csv', table: label }))}" data-testid="csv-${e(label)}">${e(label)}</a>`).join('')}</span></form>`;
}

const card = (label: string, value: string, id: string) => `<div class="card"><div class="k">${e(label)}</div><div class="v" data-kpi="${id}">${e(value)}</div></div>`;

function table(headers: string[], rows: string[][], numeric: number[] = []): string {
  return `<table><thead><tr>${headers.map((h, i) => `<th${numeric.includes(i) ? ' class="n"' : ''}>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const STAGE_LABEL: Record<string, string> = { registered: 'registrada', collecting: 'em régua', escalated: 'na fila', paused: 'pausada', agreement: 'em acordo', disputed: 'contestada' };

export function portfolioLive(v: PortfolioView): string {
  const total = (field: keyof PortfolioView['daily'][number]) => v.daily.reduce((s, d) => s + (d[field] as number), 0);
  return `<div class="cards">${card('Casos em aberto', String(v.totals.openCount), 'open-count')}${card('Valor em aberto', brl(v.totals.openCents), 'open-cents')}${card('Recuperado no período', brl(v.recovery.recoveredCents), 'recovered-cents')}${card('Taxa de recuperação', percent(v.recovery.rate), 'recovery-rate')}${card('Acordos feitos / cumpridos / quebrados', `${v.agreements.made} / ${v.agreements.kept} / ${v.agreements.broken}`, 'agreements')}${card('Promessas / pagamentos', `${total('promises')} / ${total('payments')}`, 'promises-payments')}${card('Cobrança judicial: ajuizados / acordos em juízo', `${v.legal.judicialOpened} / ${v.legal.judicialClosed}`, 'judicial')}${card('Valor ajuizado / acordado em juízo', `${brl(v.legal.judicialClaimCents)} / ${brl(v.legal.judicialAgreedCents)}`, 'judicial-cents')}${card('Negativações / baixas', `${v.legal.bureauRegistered} / ${v.legal.bureauWithdrawn}`, 'bureau')}</div>
<div class="grid2"><section class="panel"><h2>Em aberto por faixa de atraso (dias)</h2>${columnChart(
    v.aging.map((b) => ({ label: b.label, value: b.openCents, shown: brl(b.openCents) })),
    { caption: 'Valor em aberto por faixa de atraso' },
  )}${table(['Faixa', 'Casos', 'Valor'], v.aging.map((b) => [e(b.label), String(b.openCount), brl(b.openCents)]), [1, 2])}</section>
<section class="panel"><h2>Recuperado por dia</h2>${columnChart(
    v.daily.map((d) => ({ label: d.day.slice(5), value: d.recoveredCents, shown: brl(d.recoveredCents) })),
    { caption: 'Pagamentos conciliados por dia', color: '#2f80ed' },
  )}${columnChart(
    v.daily.map((d) => ({ label: d.day.slice(5), value: d.promises + d.payments, shown: `${d.promises} promessas, ${d.payments} pagamentos` })),
    { caption: 'Promessas e pagamentos por dia', color: '#f2994a', height: 120 },
  )}</section>
<section class="panel"><h2>Por segmento</h2>${columnChart(v.bySegment.map((s) => ({ label: s.segment, value: s.cents, shown: brl(s.cents) })), { caption: 'Valor em aberto por segmento', color: '#9b51e0' })}${table(['Segmento', 'Casos', 'Valor'], v.bySegment.map((s) => [e(s.segment), String(s.count), brl(s.cents)]), [1, 2])}</section>
<section class="panel"><h2>Por produto e situação</h2>${table(['Produto', 'Casos', 'Valor'], v.byProduct.map((p) => [e(p.product), String(p.count), brl(p.cents)]), [1, 2])}<br>${table(['Situação', 'Casos', 'Valor'], v.byStage.map((s) => [e(STAGE_LABEL[s.stage] ?? s.stage), String(s.count), brl(s.cents)]), [1, 2])}</section>
<section class="panel"><h2>Rolagem entre faixas</h2><p class="muted">Parcela do valor colocado com vencimentos hoje na faixa de destino que ainda está em aberto (passou pela faixa anterior sem ser pago).</p>${table(
    ['De', 'Para', 'Em aberto', 'Colocado', 'Rolagem'],
    v.rollRates.map((r) => [e(r.from), e(r.to), brl(r.openCents), brl(r.placedCents), percent(r.rate)]),
    [2, 3, 4],
  )}</section></div>`;
}

export function portfolioPage(v: PortfolioView, f: Filters, principal: Principal, nonce: string): string {
  const body = `<h1>Carteira</h1>${filterForm(f, principal, '/ui/portfolio', [
    ['/v1/kpis/portfolio', 'daily'],
    ['/v1/kpis/portfolio', 'aging'],
    ['/v1/kpis/portfolio', 'segments'],
    ['/v1/kpis/portfolio', 'roll-rates'],
  ])}<div id="live" data-tenant="${e(f.tenant)}">${portfolioLive(v)}</div>`;
  return layout({ title: 'Carteira', principal, active: 'portfolio', body, nonce, live: true });
}

function funnelTable(rows: FunnelRow[], first: string): string {
  return table(
    [first, 'Enviadas', 'Entregues', 'Lidas', 'Falhas', 'Pagas', 'Recuperado', 'Custo', 'Custo por R$ 1'],
    rows.map((r) => [e(r.group), String(r.sent), `${r.delivered} (${percent(r.deliveredRate)})`, `${r.read} (${percent(r.readRate)})`, String(r.failed), `${r.paid} (${percent(r.paidRate)})`, brl(r.paidCents), brl(r.costCents), r.costPerReal === null ? '—' : `${r.costPerReal.toFixed(2).replace('.', ',')} ¢`]),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
}

export function channelsLive(v: ChannelsView): string {
  return `<section class="panel"><h2>Funil por canal</h2>${groupedBars(
    v.byChannel.map((r) => ({ label: r.group, values: [r.sent, r.delivered, r.read, r.paid] })),
    ['enviadas', 'entregues', 'lidas', 'pagas'],
    'Enviadas → entregues → lidas → pagas (pagamento creditado à última mensagem antes dele)',
  )}${funnelTable(v.byChannel, 'Canal')}<p class="muted">Custo por mensagem: ${Object.entries(v.costs)
    .map(([c, cents]) => `${e(c)} ${brl(cents)}`)
    .join(' · ')}</p></section>
<div class="grid2"><section class="panel"><h2>Por modelo de mensagem</h2>${funnelTable(v.byTemplate, 'Modelo')}</section><section class="panel"><h2>Por passo da régua</h2>${funnelTable(v.byStep, 'Passo')}</section></div>`;
}

export function channelsPage(v: ChannelsView, f: Filters, principal: Principal, nonce: string): string {
  const body = `<h1>Desempenho dos canais</h1>${filterForm(f, principal, '/ui/channels', [
    ['/v1/kpis/channels', 'channels'],
    ['/v1/kpis/channels', 'templates'],
    ['/v1/kpis/channels', 'steps'],
  ])}<div id="live" data-tenant="${e(f.tenant)}">${channelsLive(v)}</div>`;
  return layout({ title: 'Canais', principal, active: 'channels', body, nonce, live: true });
}

const VERSUS: Record<string, string> = { better: '<span class="badge">melhor que o campeão</span>', worse: '<span class="badge bad">pior que o campeão</span>', inconclusive: '<span class="badge warn">inconclusivo</span>' };

export function strategiesLive(rows: StrategyRow[]): string {
  return `<section class="panel"><h2>Taxa de recuperação por braço (IC 95%, Wilson)</h2>${intervalChart(
    rows.map((r) => ({ label: `${r.segment} · ${r.strategy} · ${r.arm}`, rate: r.recoveryRate.rate, low: r.recoveryRate.low, high: r.recoveryRate.high })),
    'Casos quitados ÷ casos da coorte, com intervalo de confiança de 95%',
  )}${table(
    ['Segmento', 'Estratégia', 'Braço', 'Casos', 'Quitados', 'Taxa (IC 95%)', 'Recuperado', 'Mensagens', 'Custo por R$ 1', 'Comparação'],
    rows.map((r) => [
      e(r.segment),
      e(r.strategy),
      e(r.arm),
      String(r.cases),
      String(r.casesPaid),
      r.recoveryRate.rate === null ? '—' : `${percent(r.recoveryRate.rate)} (${percent(r.recoveryRate.low)}–${percent(r.recoveryRate.high)})`,
      brl(r.recoveredCents),
      String(r.messages),
      r.costPerReal === null ? '—' : `${r.costPerReal.toFixed(2).replace('.', ',')} ¢`,
      r.versusChampion ? VERSUS[r.versusChampion]! : '',
    ]),
    [3, 4, 6, 7, 8],
  )}<p class="muted">Coorte: casos planejados no período, pelo dia em que entraram na régua. Um desafiante só é melhor quando seu intervalo fica todo acima do intervalo do campeão.</p></section>`;
}

export function strategiesPage(rows: StrategyRow[], f: Filters, principal: Principal, nonce: string): string {
  const body = `<h1>Comparação de estratégias</h1>${filterForm(f, principal, '/ui/strategies', [['/v1/kpis/strategies', 'strategies']])}<div id="live" data-tenant="${e(f.tenant)}">${strategiesLive(rows)}</div>`;
  return layout({ title: 'Estratégias', principal, active: 'strategies', body, nonce, live: true });
}

export function queueLive(entries: QueueDoc[]): string {
  if (entries.length === 0) return '<section class="panel"><p>Nenhum caso na fila.</p></section>';
  return `<section class="panel">${table(
    ['Prioridade (recuperação esperada)', 'Caso', 'Em aberto', 'Segmento', 'Motivo', 'Desde'],
    entries.map((q) => [brl(q.priorityCents), `<a href="/ui/cases/${encodeURIComponent(q._id)}" data-testid="queue-case">${e(q._id)}</a>`, brl(q.openCents), e(q.segment ?? ''), `${e(q.reason)} <span class="muted">${e(q.detail)}</span>`, e(q.escalatedAt.slice(0, 16).replace('T', ' '))]),
    [0, 2],
  )}</section>`;
}

export function queuePage(entries: QueueDoc[], f: Filters, principal: Principal, nonce: string): string {
  const body = `<h1>Fila de trabalho</h1><p class="muted">Casos encaminhados a pessoas, ordenados pela recuperação esperada (probabilidade de pagamento × valor em aberto).</p>${filterForm(f, principal, '/ui/queue', [['/v1/queue', 'queue']])}<div id="live" data-tenant="${e(f.tenant)}">${queueLive(entries)}</div>`;
  return layout({ title: 'Fila de trabalho', principal, active: 'queue', body, nonce, live: true });
}

const FLASH: Record<string, string> = {
  'call-logged': 'Ligação registrada.',
  'promise-registered': 'Promessa de pagamento registrada.',
  'collection-paused': 'Cobrança pausada: nenhuma mensagem sairá até a retomada.',
  'collection-resumed': 'Cobrança retomada.',
  'dispute-marked': 'Contestação registrada: a cobrança fica suspensa até a decisão.',
  'score-reviewed': 'Revisão humana registrada.',
};

function actionForms(caseId: string): string {
  const action = `/ui/cases/${encodeURIComponent(caseId)}/actions`;
  const form = (kind: string, fields: string, label: string) => `<form method="post" action="${action}" data-testid="action-${kind}"><input type="hidden" name="kind" value="${kind}">${fields}<button class="primary" type="submit">${label}</button></form>`;
  return `<section class="panel actions"><h2>Ações</h2>
${form('call-logged', '<label>Resultado<select name="outcome"><option value="no-answer">não atendeu</option><option value="promised-to-pay">prometeu pagar</option><option value="refused">recusou</option><option value="already-paid">diz que já pagou</option><option value="wrong-number">número errado</option><option value="callback-requested">pediu retorno</option><option value="other">outro</option></select></label><label>Nota<input name="note" maxlength="1000"></label>', 'Registrar ligação')}
${form('promise-registered', '<label>Valor (R$)<input name="amount" inputmode="decimal" required placeholder="150,00"></label><label>Pagar até<input type="date" name="promisedFor" required></label>', 'Registrar promessa')}
${form('collection-paused', '<label>Motivo<select name="reason"><option value="operator">atendimento</option><option value="over-indebtedness">superendividamento (Lei 14.181)</option><option value="legal-hold">ordem judicial</option><option value="dispute">contestação</option></select></label><label>Nota<input name="note" maxlength="1000"></label>', 'Pausar cobrança')}
${form('collection-resumed', '', 'Retomar cobrança')}
${form('dispute-marked', '<label>Motivo<select name="reason"><option value="already-paid">já pago</option><option value="not-mine">não reconhece</option><option value="wrong-amount">valor errado</option><option value="fraud">fraude</option><option value="other">outro</option></select></label><label>Nota<input name="note" maxlength="1000"></label>', 'Registrar contestação')}
${form('score-reviewed', '<label>Decisão<select name="decision"><option value="confirmed">mantida</option><option value="overridden">alterada</option></select></label><label>Justificativa<input name="note" minlength="3" maxlength="1000" required></label>', 'Registrar revisão humana (LGPD art. 20)')}
</section>`;
}

export function casePage(d: CaseDetail, principal: Principal, nonce: string, flash: string | null): string {
  const c = d.case;
  const status = c.settled ? '<span class="badge">quitado</span>' : c.paused ? `<span class="badge warn">pausado (${e(c.paused.reason)})</span>` : c.dispute?.status === 'open' ? '<span class="badge warn">contestado</span>' : c.escalation ? '<span class="badge bad">na fila</span>' : '<span class="badge">em régua</span>';
  const debtor = d.debtor
    ? `<table><tbody><tr><th>Nome</th><td data-testid="debtor-name">${e(d.debtor.name)}</td></tr><tr><th>CPF/CNPJ</th><td data-testid="debtor-tax-id">${e(d.debtor.taxId)}${d.debtor.taxIdMasked ? ' <span class="muted">(mascarado)</span>' : ''}</td></tr><tr><th>E-mails</th><td data-testid="debtor-emails">${d.debtor.emails.map(e).join(', ')}</td></tr><tr><th>Telefones</th><td data-testid="debtor-phones">${d.debtor.phones.map(e).join(', ')}${d.debtor.contactsMasked ? ' <span class="muted">(mascarados)</span>' : ''}</td></tr><tr><th>Local</th><td>${e([d.debtor.city, d.debtor.uf].filter(Boolean).join(' / '))}</td></tr></tbody></table><p class="muted">Esta consulta a dados pessoais foi registrada na trilha de auditoria.</p>`
    : '<p class="muted">Dados do devedor ainda não recebidos.</p>';
  const invoices = table(
    ['Fatura', 'Vencimento', 'Valor', 'Em aberto', 'Situação', 'Pontuação', 'Segmento', 'Estratégia'],
    d.invoices.map((i) => [e(i.invoiceId), e(i.dueDate), brl(i.amountCents), brl(i.outstandingCents), e(STAGE_LABEL[i.stage ?? ''] ?? i.stage ?? i.status), i.score === null ? '—' : `${i.score}${i.probability === null ? '' : ` (${percent(i.probability)})`}`, e(i.segment ?? ''), e(i.strategy ?? '')]),
    [2, 3],
  );
  const reasons = d.invoices
    .filter((i) => i.reasons.length > 0)
    .map((i) => `<h3 class="muted">${e(i.invoiceId)} · modelo ${e(i.modelVersion ?? '')}</h3><ul>${i.reasons.map((r) => `<li>${r.effect >= 0 ? '▲' : '▼'} ${e(r.text)} <span class="muted">(${e(r.feature)}, ${r.effect.toFixed(2)})</span></li>`).join('')}</ul>`)
    .join('');
  const reviews = c.reviews.length ? `<ul>${c.reviews.map((r) => `<li>${e(r.at.slice(0, 16).replace('T', ' '))} · ${e(r.by)}: ${r.decision === 'confirmed' ? 'decisão mantida' : 'decisão alterada'} — ${e(r.note)}</li>`).join('')}</ul>` : '<p class="muted">Nenhuma revisão humana registrada.</p>';
  const promises = c.promises.length ? `<ul>${c.promises.map((p) => `<li>${brl(p.amountCents)} até ${e(p.promisedFor)} (${e(p.by)})</li>`).join('')}</ul>` : '<p class="muted">Nenhuma promessa.</p>';
  const body = `<h1>Caso <span data-testid="case-id">${e(c._id)}</span> ${status}</h1>${flash && FLASH[flash] ? `<div class="flash" role="status" data-testid="flash">${FLASH[flash]}</div>` : ''}
<div class="cards">${card('Prioridade', d.queue ? brl(d.queue.priorityCents) : '—', 'priority')}${card('Estratégia · braço', `${c.strategy ?? '—'} · ${c.arm ?? '—'}`, 'strategy')}${card('Escalonado', c.escalation ? `${c.escalation.reason}` : 'não', 'escalation')}${card('Acordo', c.agreement ? `${c.agreement.status} (${brl(c.agreement.totalCents)})` : 'nenhum', 'agreement')}</div>
<div class="grid2"><section class="panel"><h2>Devedor</h2>${debtor}</section><section class="panel"><h2>Faturas</h2>${invoices}</section>
<section class="panel"><h2>Motivos da pontuação</h2>${reasons || '<p class="muted">Sem pontuação ainda.</p>'}<h2>Revisões humanas (LGPD art. 20)</h2>${reviews}<h2>Promessas</h2>${promises}</section>
${can(principal, 'cases:act') ? actionForms(c._id) : '<section class="panel"><p class="muted">Seu perfil só consulta.</p></section>'}</div>
<div class="grid2"><section class="panel"><h2>Histórico de contatos</h2><ol class="timeline" data-testid="contacts">${d.contacts.map((t) => `<li><span class="muted">${e(t.at.slice(0, 16).replace('T', ' '))}</span> ${e(t.text)}</li>`).join('') || '<li class="muted">Nenhum contato.</li>'}</ol></section>
<section class="panel"><h2>Linha do tempo</h2><ol class="timeline" data-testid="timeline">${d.timeline.map((t) => `<li><span class="muted">${e(t.at.slice(0, 16).replace('T', ' '))} · ${e(t.source)}</span> ${e(t.text)}</li>`).join('')}</ol></section></div>`;
  return layout({ title: `Caso ${c._id}`, principal, active: 'case', body, nonce });
}
