// A real OpenID provider for the tests only: the certified oidc-provider package, on loopback.
//
// Started by tests/oidc/conftest.py with:
//   OIDC_TEST_PORT (0 = any free port), OIDC_TEST_CLIENT_ID, OIDC_TEST_CLIENT_SECRET,
//   OIDC_TEST_REDIRECT_URIS (comma-separated), OIDC_TEST_ID_TOKEN_TTL (seconds).
// Prints "ready <issuer>" once it listens. Accounts and the ID token mode are set by the tests
// through /test-admin/ (loopback only, never in production):
//   PUT /test-admin/accounts/<id>  {"email", "name", "groups": [...], "enabled": true}
//   PUT /test-admin/id-token-mode  {"mode": "normal" | "tampered" | "wrong-audience" | "expired"}
// The modes re-issue the ID token the provider made so that the relying party's own checks
// (signature, audience, expiry) are what refuses it.
import http from 'node:http';

import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { Provider } from 'oidc-provider';

const clientId = process.env.OIDC_TEST_CLIENT_ID || 'capacity-map';
const clientSecret = process.env.OIDC_TEST_CLIENT_SECRET || 'capacity-map-test-secret';
const redirectUris = (process.env.OIDC_TEST_REDIRECT_URIS || 'http://testserver/oidc/callback/').split(',');
const idTokenTtl = Number(process.env.OIDC_TEST_ID_TOKEN_TTL || 300);

const accounts = new Map();
let idTokenMode = 'normal';

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };

let provider;
const server = http.createServer((req, res) => route(req, res).catch((error) => {
  console.error(error);
  res.statusCode = 500;
  res.end('provider error');
}));
await new Promise((resolve) => { server.listen(Number(process.env.OIDC_TEST_PORT || 0), '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [signingKey] },
  // Like Entra ID, the groups come in the ID token with the openid scope.
  claims: { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false,
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account || account.enabled === false) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: account.email, email_verified: true, name: account.name, groups: account.groups || [] };
      },
    };
  },
  // The council's own application: no consent screen, as with an admin-consented Entra ID app.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const grant = await ctx.oidc.provider.Grant.find(grantId);
      if (grant) return grant;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['test-only-cookie-key'] },
  ttl: { IdToken: idTokenTtl, AccessToken: idTokenTtl, AuthorizationCode: 60, Session: 3600, Grant: 3600, Interaction: 600 },
});
provider.proxy = false;
provider.on('server_error', (ctx, error) => console.error('server_error', error));
// Disabling an account ends its sessions here, as a council's provider does, so that a silent
// re-check (prompt=none) answers login_required.
const sessionsByAccount = new Map();
provider.on('session.saved', (session) => {
  if (!session.accountId) return;
  if (!sessionsByAccount.has(session.accountId)) sessionsByAccount.set(session.accountId, new Set());
  sessionsByAccount.get(session.accountId).add(session.jti);
});

// Re-issue the ID token in the token response when a test asks for a bad one.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || idTokenMode === 'normal' || !ctx.body?.id_token) return;
  const token = ctx.body.id_token;
  const claims = decodeJwt(token);
  const header = decodeProtectedHeader(token);
  const now = Math.floor(Date.now() / 1000);
  if (idTokenMode === 'tampered') {
    // The signature stays; the payload claims admin rights it was not signed with.
    const [head, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, groups: ['capacity-map-admins'] })).toString('base64url');
    ctx.body = { ...ctx.body, id_token: `${head}.${forged}.${signature}` };
    return;
  }
  if (idTokenMode === 'wrong-audience') claims.aud = 'another-application';
  if (idTokenMode === 'expired') Object.assign(claims, { iat: now - 3600, exp: now - 1800 });
  const reissued = await new SignJWT(claims).setProtectedHeader({ alg: header.alg, kid: header.kid, typ: header.typ }).sign(privateKey);
  ctx.body = { ...ctx.body, id_token: reissued };
});

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(res, uid, problem) {
  res.statusCode = problem ? 400 : 200;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html lang="en"><head><title>Test council sign-in</title></head><body><main>
<h1>Test council sign-in</h1>${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="login">Council username</label> <input id="login" name="login" autocomplete="username">
<button type="submit">Continue</button></form></main></body></html>`);
}

async function route(req, res) {
  const url = new URL(req.url, issuer);
  const accountPath = url.pathname.match(/^\/test-admin\/accounts\/([^/]+)$/);
  if (req.method === 'PUT' && accountPath) {
    const accountId = decodeURIComponent(accountPath[1]);
    const account = JSON.parse(await readBody(req));
    accounts.set(accountId, account);
    if (account.enabled === false) {
      for (const sessionId of sessionsByAccount.get(accountId) || []) {
        await (await provider.Session.find(sessionId))?.destroy();
      }
    }
    res.end('ok');
    return;
  }
  if (req.method === 'PUT' && url.pathname === '/test-admin/id-token-mode') {
    idTokenMode = JSON.parse(await readBody(req)).mode;
    res.end('ok');
    return;
  }
  const interaction = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (interaction) {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      loginPage(res, details.uid);
      return;
    }
    const login = new URLSearchParams(await readBody(req)).get('login') || '';
    const account = accounts.get(login);
    if (!account || account.enabled === false) {
      loginPage(res, details.uid, 'There is no active account with that username.');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    return;
  }
  provider.callback()(req, res);
}

console.log(`ready ${issuer}`);
