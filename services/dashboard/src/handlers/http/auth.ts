import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { UnauthorizedError } from '@regua/errors';
import type { Clock } from '@regua/service-kit';
import { can, type Permission, type Principal } from '../../domain/access.ts';
import { verifyPassword } from '../../auth/passwords.ts';
import type { SessionIssuer } from '../../auth/sessions.ts';
import type { AuditLog } from '../../store/audit.ts';
import type { UserStore } from '../../store/users.ts';
import { ForbiddenError } from '../../queries.ts';
import { loginPage } from './pages.ts';

export const SESSION_COOKIE = 'regua_session';
const FORM_LIMIT = '4kb';
/** Failed logins of one user name before it is refused for a while (per replica). */
const MAX_FAILURES = 5;
const LOCKOUT_MS = 15 * 60_000;

export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export const principalOf = (res: Response): Principal => res.locals.principal as Principal;

/**
 * Finds the session: a bearer token (API clients) or the session cookie (the browser). Without a valid one, API
 * routes answer 401 and pages send the browser to the login form.
 */
export function authenticate(deps: { sessions: SessionIssuer; clock: Clock }, mode: 'api' | 'page'): RequestHandler {
  return async (req, res, next) => {
    const header = req.header('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7) : cookieOf(req, SESSION_COOKIE);
    const principal = token ? await deps.sessions.verify(token, deps.clock.now()) : null;
    if (principal) {
      res.locals.principal = principal;
      return next();
    }
    if (mode === 'page') return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    next(new UnauthorizedError('sign in first: a bearer token from /oauth/token, or the session cookie from /login'));
  };
}

export function requirePermission(permission: Permission): RequestHandler {
  return (_req, res, next) => next(can(principalOf(res), permission) ? undefined : new ForbiddenError(`your role may not ${permission}`));
}

/** Only same-site paths: a `next` pointing elsewhere would make the login form an open redirect. */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%:]*$/.test(next) ? next : '/ui/portfolio');

/**
 * An OIDC-compatible login over the embedded user store: discovery, JWKS, a token endpoint (resource-owner password
 * grant, for API clients and tests) and userinfo; the browser signs in with a form that sets the same token as an
 * HttpOnly, SameSite=Strict cookie.
 */
export function authRoutes(deps: { users: UserStore; sessions: SessionIssuer; audit: AuditLog; clock: Clock; secureCookies: boolean }) {
  const { sessions, clock } = deps;
  const failures = new Map<string, { count: number; since: number }>();

  async function signIn(username: unknown, password: unknown): Promise<Principal | 'locked' | null> {
    if (typeof username !== 'string' || typeof password !== 'string' || username.length > 64 || password.length > 256) return null;
    const now = clock.now().getTime();
    const failed = failures.get(username);
    if (failed && failed.count >= MAX_FAILURES && now - failed.since < LOCKOUT_MS) return 'locked';
    const user = await deps.users.find(username);
    // A missing user costs a hash too, so timing does not tell which user names exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    const tenant = user?.scopes[0]?.tenant ?? '-';
    if (!user || !ok) {
      const entry = failed && now - failed.since < LOCKOUT_MS ? failed : { count: 0, since: now };
      failures.set(username, { ...entry, count: entry.count + 1 });
      await deps.audit.record({ at: clock.now(), actor: username, roles: [], tenant, action: 'login-failed', caseId: null, personalData: null, detail: null });
      return null;
    }
    failures.delete(username);
    await deps.audit.record({ at: clock.now(), actor: user._id, roles: user.roles, tenant, action: 'login', caseId: null, personalData: null, detail: null });
    return { id: user._id, name: user.name, roles: user.roles, scopes: user.scopes };
  }

  return (app: Express) => {
    const form = express.urlencoded({ extended: false, limit: FORM_LIMIT });
    const json = express.json({ limit: FORM_LIMIT });

    app.get('/.well-known/openid-configuration', (_req, res) => {
      const issuer = sessions.issuer;
      res.json({
        issuer,
        authorization_endpoint: `${issuer}/login`,
        token_endpoint: `${issuer}/oauth/token`,
        userinfo_endpoint: `${issuer}/oauth/userinfo`,
        jwks_uri: `${issuer}/oauth/jwks`,
        grant_types_supported: ['password'],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        token_endpoint_auth_methods_supported: ['none'],
        scopes_supported: ['openid', 'profile'],
        claims_supported: ['sub', 'name', 'roles', 'scopes', 'iss', 'aud', 'exp', 'iat'],
      });
    });
    app.get('/oauth/jwks', (_req, res) => {
      res.json(sessions.jwks());
    });
    app.post('/oauth/token', form, json, async (req, res) => {
      res.setHeader('cache-control', 'no-store');
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.grant_type !== 'password') return void res.status(400).json({ error: 'unsupported_grant_type', error_description: 'only grant_type=password' });
      const principal = await signIn(body.username, body.password);
      if (principal === 'locked') return void res.status(429).json({ error: 'invalid_grant', error_description: 'too many failed attempts; try again later' });
      if (!principal) return void res.status(400).json({ error: 'invalid_grant', error_description: 'wrong user name or password' });
      const now = clock.now();
      const token = await sessions.issue(principal, now);
      const clientId = typeof body.client_id === 'string' && /^[\w.-]{1,64}$/.test(body.client_id) ? body.client_id : undefined;
      res.json({ access_token: token, id_token: clientId ? await sessions.issue(principal, now, clientId) : token, token_type: 'Bearer', expires_in: sessions.ttlSeconds });
    });
    app.get('/oauth/userinfo', authenticate(deps, 'api'), (_req, res) => {
      const p = principalOf(res);
      res.json({ sub: p.id, name: p.name, roles: p.roles, scopes: p.scopes });
    });

    app.get('/login', (req, res) => {
      res.type('html').send(loginPage({ next: safeNext(req.query.next), error: null, nonce: res.locals.nonce as string }));
    });
    app.post('/login', form, async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const next = safeNext(body.next);
      const principal = await signIn(body.username, body.password);
      if (!principal || principal === 'locked') {
        res.status(principal === 'locked' ? 429 : 401).type('html').send(loginPage({ next, error: principal === 'locked' ? 'Muitas tentativas. Tente mais tarde.' : 'Usuário ou senha incorretos.', nonce: res.locals.nonce as string }));
        return;
      }
      const token = await sessions.issue(principal, clock.now());
      res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: '/', maxAge: sessions.ttlSeconds * 1000 });
      res.redirect(303, next);
    });
    app.post('/logout', (_req, res) => {
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/login');
    });
  };
}
