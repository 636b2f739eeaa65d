// A real OpenID Connect provider on loopback for tests/test_sso_browser.py: oidc-provider (certified by the
// OpenID Foundation), configured as ProConnect behaves for the application:
// - the ID token holds `sub` only; e-mail, SIRET and groups come from the userinfo endpoint,
// - which answers a JWT signed by the provider's key (userinfo_signed_response_alg, application/jwt),
// - one scope per claim (openid email given_name usual_name siret groups).
// Its development login form accepts any login with any password: the login chooses the account of
// OIDC_ACCOUNTS (JSON: login → claims; another login has no claim but its `sub`); consent is granted at
// once, as ProConnect does not ask for it.
//
// Environment: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI, OIDC_ACCOUNTS.
// Prints "pret <issuer>" once it listens.
import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`variable d'environnement ${name} manquante`);
  return value;
};

const port = Number(env('OIDC_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(env('OIDC_ACCOUNTS'));
const clientId = env('OIDC_CLIENT_ID');

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: env('OIDC_CLIENT_SECRET'),
    redirect_uris: [env('OIDC_REDIRECT_URI')],
    post_logout_redirect_uris: [env('OIDC_REDIRECT_URI')],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    userinfo_signed_response_alg: 'RS256',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    given_name: ['given_name'],
    usual_name: ['usual_name'],
    siret: ['siret'],
    groups: ['groups'],
  },
  features: {
    devInteractions: { enabled: true },
    jwtUserinfo: { enabled: true },
  },
  async findAccount(ctx, sub) {
    const claims = accounts[sub] ?? {};
    return { accountId: sub, async claims() { return { sub, ...claims }; } };
  },
  async loadExistingGrant(ctx) {
    // no consent screen: every requested scope of the test client is granted
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.requestParamScopes.size ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`pret ${issuer}`);
});
