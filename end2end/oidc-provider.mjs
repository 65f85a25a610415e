// A real OpenID Connect provider (panva/oidc-provider) on 127.0.0.1 for the login tests.
// The Rust tests start it: node end2end/oidc-provider.mjs with OIDC_PORT and
// OIDC_REDIRECT_URI set; it prints "ready" once it listens.
// Dev interactions accept any login name (the password is ignored). Names starting with
// "unverified" get an e-mail address the provider does not vouch for.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 9400);
const issuer = `http://127.0.0.1:${port}`;
const redirect = process.env.OIDC_REDIRECT_URI || 'http://127.0.0.1:3000/api/auth/callback/test';

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'test-client',
    client_secret: 'test-secret',
    redirect_uris: [redirect],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  async findAccount(ctx, id) {
    const claims = {
      sub: `sub-${id}`,
      email: `${id}@example.test`,
      email_verified: !id.startsWith('unverified'),
      name: id === 'alice' ? 'Alice Tester' : id,
      preferred_username: id,
    };
    return { accountId: id, async claims() { return claims; } };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  scopes: ['openid', 'email', 'profile'],
  features: { devInteractions: { enabled: true } },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  ttl: { AccessToken: 600, AuthorizationCode: Number(process.env.OIDC_CODE_TTL || 60), IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
});
provider.proxy = false;
provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.listen(port, '127.0.0.1', () => console.log('ready'));
