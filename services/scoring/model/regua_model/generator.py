"""Synthetic labelled invoices for the propensity-to-pay model.

No real portfolio is available, so the labels come from a stated generating process. This module knows nothing
about the model: it emits raw facts (the inputs of feature-spec.json) and a label, `paidWithin30Days`, drawn from
a logistic model of its own whose effects are listed in `Effects` with the source or assumption behind each.

Where a direction comes from the domain notes (/work/shared/DOMAIN.md) or issue 9, the comment says so; every
magnitude is an assumption chosen to be plausible, not an estimate from data. The generator deliberately differs
from the model's functional form (a kink in the delay effect, an unobserved willingness to pay that drives both
history and outcome, WhatsApp helping only when there is a mobile), so the model is fitted to something it cannot
represent exactly, as with real data.

`SHIFTED` changes several effects and the mix of debtors by stated amounts, to measure how much of the model's
advantage over a days-past-due-only rule survives when the world moves.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

PRODUCTS = ["credit_card", "loan", "telecom", "utility", "subscription", "retail", "other"]

# Share of invoices per product type. Assumption: a mixed portfolio of a collections agency.
PRODUCT_MIX = [0.25, 0.12, 0.18, 0.20, 0.10, 0.10, 0.05]

# Median amount in reais per product (log-normal, sigma 0.9). Assumption: loans are an order of magnitude above bills.
PRODUCT_MEDIAN_REAIS = {
    "credit_card": 900.0, "loan": 4000.0, "telecom": 180.0, "utility": 250.0,
    "subscription": 80.0, "retail": 600.0, "other": 400.0,
}

# Debtors per state, roughly proportional to population (IBGE Censo 2022 shares, rounded).
UF_MIX = {
    "SP": 0.217, "MG": 0.101, "RJ": 0.079, "BA": 0.069, "PR": 0.056, "RS": 0.054, "PE": 0.045, "CE": 0.043,
    "PA": 0.040, "SC": 0.037, "GO": 0.035, "MA": 0.034, "AM": 0.019, "ES": 0.019, "PB": 0.020, "RN": 0.016,
    "MT": 0.018, "AL": 0.015, "PI": 0.016, "DF": 0.014, "MS": 0.014, "SE": 0.011, "RO": 0.008, "TO": 0.007,
    "AC": 0.004, "AP": 0.004, "RR": 0.003,
}

REGION_OF_UF = {
    **{uf: "N" for uf in ["AC", "AM", "AP", "PA", "RO", "RR", "TO"]},
    **{uf: "NE" for uf in ["AL", "BA", "CE", "MA", "PB", "PE", "PI", "RN", "SE"]},
    **{uf: "CO" for uf in ["DF", "GO", "MS", "MT"]},
    **{uf: "SE" for uf in ["ES", "MG", "RJ", "SP"]},
    **{uf: "S" for uf in ["PR", "RS", "SC"]},
}


@dataclass(frozen=True)
class Effects:
    """Log-odds effects on paying within 30 days of scoring. Positive = likelier to pay."""

    # Base log-odds for a debtor at the reference point (SE, credit card, 0 days late, R$ 100, no contacts,
    # no history, average willingness). Assumption.
    intercept: float = 0.9
    # Days past due (DOMAIN.md, "contact before the due date … then in the first days of delay": the playbooks
    # act early because recovery falls with the age of the debt). Assumption: a steep fall over the first 90
    # days, then a slower one; per log1p(days).
    dpd_early: float = -0.55   # per log1p(min(dpd, 90))
    dpd_late: float = -0.35    # per log1p(max(dpd - 90, 0))
    # Amount (issue 9: payment probability falls with amount). Assumption: per natural log of reais above R$ 100.
    log_amount: float = -0.30
    # Contactability (issue 9 and DOMAIN.md: knowing how to reach the debtor; several channels). Assumptions.
    valid_mobile: float = 0.45
    valid_email: float = 0.20
    whatsapp: float = 0.35        # only counts when there is a valid mobile to reach it on
    # Past payments (issue 9: rising with past payments). Assumption: per log1p(paid invoices).
    log_prior_paid: float = 0.55
    # Broken agreements (brief of issue 9: history of broken agreements lowers it). Assumption: per agreement, max 5.
    broken_agreement: float = -0.45
    # Kept agreements, every installment paid (issue 9: agreements reported by payment-reconciliation). Assumption:
    # a kept promise predicts the next one, but less strongly than a broken one does the opposite; per agreement, max 5.
    kept_agreement: float = 0.30
    # Message engagement (DOMAIN.md: track whether messages were delivered/opened/read). Reading is mostly a sign of
    # the unobserved willingness (below), which also makes debtors read; on top of it, assumptions: reading the
    # messages delivered (per unit of read rate), a read in the last 30 days, and messages left unread (per
    # log1p(delivered − read)). Messages sent have no effect of their own: sending more does not make anyone pay.
    read_rate: float = 0.70
    read_recent: float = 0.30
    log_unread: float = -0.10
    # Product (issue 9: varies by product). Assumption: essential services are paid first, unsecured loans last.
    product: dict[str, float] = field(default_factory=lambda: {
        "credit_card": 0.0, "loan": -0.45, "telecom": 0.25, "utility": 0.50,
        "subscription": 0.10, "retail": -0.10, "other": 0.0,
    })
    # Region (issue 9: varies by region/UF). Assumption: effects by macro-region, Sudeste as reference.
    region: dict[str, float] = field(default_factory=lambda: {"N": -0.35, "NE": -0.25, "CO": 0.0, "SE": 0.0, "S": 0.20})
    # Unobserved willingness to pay, standard normal: it also raises paid history, kept agreements and reading and
    # lowers broken agreements, so history carries signal the model can learn. Assumption.
    willingness: float = 0.60


@dataclass(frozen=True)
class Mix:
    """Who is in the portfolio (covariate distribution)."""

    late_share: float = 0.40          # share of invoices more than 60 days late (uniform 61..720), rest early
    early_mean_days: float = 18.0     # early ones: exponential days past due, capped at 60
    p_valid_mobile: float = 0.75
    p_valid_email: float = 0.55
    p_whatsapp_given_mobile: float = 0.85
    mean_prior_invoices: float = 4.0
    # Messages of the debtor's earlier cases: per earlier invoice, to a debtor with a mobile or an e-mail (none
    # otherwise); delivered to a mobile, or to an e-mail only. Assumptions (a cadence sends a few per case).
    messages_per_prior_invoice: float = 1.5
    p_delivered_mobile: float = 0.90
    p_delivered_email_only: float = 0.80
    # Agreements kept before: Poisson with this mean for a debtor of average willingness (more for the willing). Assumption.
    mean_kept_agreements: float = 0.30


@dataclass(frozen=True)
class Generator:
    effects: Effects = Effects()
    mix: Mix = Mix()


BASE = Generator()

# The shifted world: each change is stated, and repeated in the README and the report.
SHIFTED = Generator(
    effects=replace(
        BASE.effects,
        intercept=BASE.effects.intercept - 0.30,            # a downturn: everyone a little less likely to pay
        dpd_early=BASE.effects.dpd_early * 1.30,             # delay bites 30 % harder
        log_amount=BASE.effects.log_amount * 0.60,           # amount matters 40 % less
        whatsapp=0.0,                                        # WhatsApp saturated: no longer adds anything
        broken_agreement=BASE.effects.broken_agreement * 0.5,  # broken agreements half as telling
        read_rate=BASE.effects.read_rate * 1.50,             # reading 50 % more telling
        product={**BASE.effects.product, "loan": -0.90, "telecom": 0.0},  # loans worse, telecom no better
        region={**BASE.effects.region, "NE": 0.0, "S": 0.0},  # regional gaps closed
    ),
    mix=replace(BASE.mix, late_share=0.55, p_valid_mobile=0.85),  # older portfolio, more mobiles on file
)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def generate(n: int, seed: int, gen: Generator = BASE) -> list[dict]:
    """n invoices with raw facts and the label; the same (n, seed, gen) always gives the same rows."""
    rng = np.random.default_rng(seed)
    e, m = gen.effects, gen.mix

    willingness = rng.standard_normal(n)
    product = rng.choice(PRODUCTS, size=n, p=PRODUCT_MIX)
    ufs = list(UF_MIX)
    weights = np.array([UF_MIX[u] for u in ufs])
    uf = rng.choice(ufs, size=n, p=weights / weights.sum())

    late = rng.random(n) < m.late_share
    dpd = np.where(
        late,
        rng.integers(61, 721, size=n),
        np.minimum(np.floor(rng.exponential(m.early_mean_days, size=n)), 60),
    ).astype(int)

    median = np.array([PRODUCT_MEDIAN_REAIS[p] for p in product])
    reais = np.clip(median * np.exp(rng.normal(0.0, 0.9, size=n)), 10.0, 200_000.0)
    amount_cents = np.round(reais * 100).astype(int)

    mobile = rng.random(n) < m.p_valid_mobile
    email = rng.random(n) < m.p_valid_email
    whatsapp = mobile & (rng.random(n) < m.p_whatsapp_given_mobile)

    prior_invoices = rng.poisson(m.mean_prior_invoices, size=n)
    prior_paid = rng.binomial(prior_invoices, _sigmoid(0.8 + 0.8 * willingness))
    broken = np.minimum(rng.poisson(0.35 * np.exp(-0.5 * willingness)), 5)
    reachable = mobile | email
    sent = np.where(reachable, rng.poisson(m.messages_per_prior_invoice * prior_invoices), 0)
    delivered = rng.binomial(sent, np.where(mobile, m.p_delivered_mobile, m.p_delivered_email_only))
    # The willing read more, and WhatsApp tells when a message was read more often than e-mail or SMS. Assumption.
    read = rng.binomial(delivered, _sigmoid(-0.3 + 0.9 * willingness + 0.4 * whatsapp))
    read_rate = np.where(delivered > 0, read / np.maximum(delivered, 1), 0.0)
    # The last of `read` reads spread evenly over a span of about 240 days, shorter for the willing: the minimum of
    # `read` uniform ages. Capped at 180 days, which is also the value for a debtor who read nothing (the service's
    # sentinel, src/domain/engagement.ts).
    span = 240.0 * np.exp(-0.4 * willingness)
    last_read = np.floor(span * rng.beta(1.0, np.maximum(read, 1)))
    days_since_read = np.where(read > 0, np.minimum(last_read, 180), 180).astype(int)

    # Kept agreements come from a stream of their own, so every other fact of a row is what version 2's generator
    # drew for the same seed: the willing keep more of them (their mean rises as broken agreements' falls). Assumption.
    kept_rng = np.random.default_rng((seed, 1))
    kept = np.minimum(kept_rng.poisson(m.mean_kept_agreements * np.exp(0.5 * willingness)), 5)

    region = np.array([REGION_OF_UF[u] for u in uf])
    logit = (
        e.intercept
        + e.dpd_early * np.log1p(np.minimum(dpd, 90))
        + e.dpd_late * np.log1p(np.maximum(dpd - 90, 0))
        + e.log_amount * np.log(np.maximum(reais, 100.0) / 100.0)
        + e.valid_mobile * mobile
        + e.valid_email * email
        + e.whatsapp * whatsapp
        + e.log_prior_paid * np.log1p(prior_paid)
        + e.broken_agreement * broken
        + e.kept_agreement * kept
        + e.read_rate * read_rate
        + e.read_recent * (days_since_read <= 30)
        + e.log_unread * np.log1p(delivered - read)
        + np.array([e.product[p] for p in product])
        + np.array([e.region[r] for r in region])
        + e.willingness * willingness
    )
    paid = rng.random(n) < _sigmoid(logit)

    return [
        {
            "daysPastDue": int(dpd[i]),
            "amountCents": int(amount_cents[i]),
            "hasValidMobile": bool(mobile[i]),
            "hasValidEmail": bool(email[i]),
            "whatsappCapable": bool(whatsapp[i]),
            "priorPaidInvoices": int(prior_paid[i]),
            "agreementsBroken": int(broken[i]),
            "agreementsKept": int(kept[i]),
            "messagesSent": int(sent[i]),
            "messagesDelivered": int(delivered[i]),
            "messagesRead": int(read[i]),
            "readRate": float(read_rate[i]),
            "daysSinceLastRead": int(days_since_read[i]),
            "productType": str(product[i]),
            "uf": str(uf[i]),
            "paidWithin30Days": bool(paid[i]),
        }
        for i in range(n)
    ]
