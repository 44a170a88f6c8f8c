/**
 * Secret redaction: every rule with a realistic token, the text around it kept,
 * negatives that must survive untouched, the allow list, and end to end: a
 * logged secret is in no git object while its marker shows in `logbook view`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal.js';
import { redactDraft, redactDrafts, redactText, redactionKinds } from '../../src/redact.js';
import { MemoryStore } from '../../src/store/memory.js';
import { ok, run } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/repo.js';

// Tokens are assembled at run time so that this file does not itself look like a leak to scanners.
const j = (...parts: string[]) => parts.join('');
const alnum = 'aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zA1bC2dE3fG4hJ5kL6mN7pQ8rS9tU0vW';
const hex = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** [kind, text containing the secret, the secret itself] */
const positives: Array<[string, string, string]> = [
  ['private-key', j('key:\n-----BEGIN RSA ', 'PRIVATE KEY-----\nMIIEowIBAAKCAQEA', alnum, '\n-----END RSA PRIVATE KEY-----\nafter'), j('MIIEowIBAAKCAQEA', alnum)],
  ['private-key', j('-----BEGIN OPENSSH ', 'PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'), 'b3BlbnNzaC1rZXktdjEAAAAA'],
  ['private-key', j('pasted half a key: -----BEGIN EC ', 'PRIVATE KEY-----\nMHcCAQEEIBx', alnum), j('MHcCAQEEIBx', alnum)],
  ['private-key', j('-----BEGIN PGP ', 'PRIVATE KEY BLOCK-----\nlQOYBF', alnum, '\n-----END PGP PRIVATE KEY BLOCK-----'), j('lQOYBF', alnum)],
  ['age-secret-key', j('AGE-SECRET-KEY-1', 'QYZ8H3KFL2JX0N4R7W9C5T6V8D2M3P4Q5S6U7A8Z9C0D2E2F3G4H5J6KQQ'), 'QYZ8H3KFL2JX0N4R7W9C5T6V8D2M3P4Q5S6U7A8Z9C0D2E2F3G4H5J6KQQ'],
  ['aws-access-key', j('use AKIA', 'IOSFODNN7EXAMPLE for s3'), j('AKIA', 'IOSFODNN7EXAMPLE')],
  ['aws-access-key', j('temp creds ASIA', 'Y34FZKBOKMUTVV7A'), j('ASIA', 'Y34FZKBOKMUTVV7A')],
  ['aws-secret-key', j('AWS_SECRET_ACCESS_KEY=', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['aws-secret-key', j('"SecretAccessKey": "', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"'), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['github-token', j('token ghp_', alnum.slice(0, 36), ' works'), j('ghp_', alnum.slice(0, 36))],
  ['github-token', j('gho_', alnum.slice(2, 38)), j('gho_', alnum.slice(2, 38))],
  ['github-token', j('github_pat_', '11ABCDEFG0', alnum.slice(0, 40)), j('github_pat_', '11ABCDEFG0', alnum.slice(0, 40))],
  ['gitlab-token', j('glpat-', 'xYz12AbC3dEf4GhI5jKl'), j('glpat-', 'xYz12AbC3dEf4GhI5jKl')],
  ['gitlab-token', j('runner glrt-', 't1_AbC3dEf4GhI5jKl6mNo'), j('glrt-', 't1_AbC3dEf4GhI5jKl6mNo')],
  ['slack-token', j('xoxb-', '1234567890-1234567890123-', alnum.slice(0, 24)), j('xoxb-', '1234567890-1234567890123-', alnum.slice(0, 24))],
  ['slack-webhook', j('https://hooks.slack.com/', 'services/T00000000/B00000000/', alnum.slice(0, 24)), j('https://hooks.slack.com/', 'services/T00000000/B00000000/', alnum.slice(0, 24))],
  ['anthropic-key', j('ANTHROPIC_API_KEY is sk-ant-', 'api03-', alnum, '-', alnum.slice(0, 20), 'AA'), j('sk-ant-', 'api03-', alnum, '-', alnum.slice(0, 20), 'AA')],
  ['openai-key', j('sk-', 'proj-', alnum, alnum.slice(0, 20)), j('sk-', 'proj-', alnum, alnum.slice(0, 20))],
  ['openai-key', j('old key sk-', alnum.slice(0, 48), '.'), j('sk-', alnum.slice(0, 48))],
  ['google-api-key', j('AIza', 'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'), j('AIza', 'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY')],
  ['stripe-key', j('sk_', 'live_', alnum.slice(0, 24)), j('sk_', 'live_', alnum.slice(0, 24))],
  ['npm-token', j('//registry.npmjs.org/:_authToken=npm_', alnum.slice(0, 36)), j('npm_', alnum.slice(0, 36))],
  ['pypi-token', j('pypi-', 'AgEIcHlwaS5vcmc', alnum), j('pypi-', 'AgEIcHlwaS5vcmc', alnum)],
  ['huggingface-token', j('hf_', alnum.slice(0, 34)), j('hf_', alnum.slice(0, 34))],
  ['sendgrid-key', j('SG.', alnum.slice(0, 22), '.', alnum.slice(0, 43)), j('SG.', alnum.slice(0, 22), '.', alnum.slice(0, 43))],
  ['digitalocean-token', j('dop_v1_', hex), j('dop_v1_', hex)],
  ['shopify-token', j('shpat_', hex.slice(0, 32)), j('shpat_', hex.slice(0, 32))],
  [
    'jwt',
    j('Cookie: session=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'),
    j('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'),
  ],
  ['url-password', 'connect to postgres://app:S3cr3t!pw@db.internal:5432/app', 'S3cr3t!pw'],
  ['url-password', 'git remote https://x-access-token:abc123def456@github.com/o/r.git', 'abc123def456'],
  ['bearer-token', j('curl -H "Authorization: Bearer ', alnum.slice(0, 30), '"'), alnum.slice(0, 30)],
  ['bearer-token', j('Authorization: token ', hex.slice(0, 40)), hex.slice(0, 40)],
  ['basic-auth', 'Authorization: Basic dXNlcjpodW50ZXIy', 'dXNlcjpodW50ZXIy'],
  // Keyword-anchored assignments: the label may be preceded by letters or underscores, the value may hold dots.
  ['password', 'password=hunter22', 'hunter22'],
  ['password', 'password=Tr0ub4dor.Hx9q', 'Tr0ub4dor.Hx9q'],
  ['password', 'DB_PASSWORD=Summer2024.Winter', 'Summer2024.Winter'],
  ['password', 'PGPASSWORD=s3cr3t.pg psql -h db', 's3cr3t.pg'],
  ['password', '{"user": "app", "password": "Tr0ub4dor.Hx9q"}', 'Tr0ub4dor.Hx9q'],
  ['password', 'client_secret=Ab3dEf.Gh5jK', 'Ab3dEf.Gh5jK'],
  ['password', 'client_secret: 9f8e7d6c5b4a', '9f8e7d6c5b4a'],
  ['password', 'set DB_PASSWORD="correct horse" later', 'correct'],
  ['password', "export POSTGRES_PASSWORD='sw0rdfish!'", 'sw0rdfish!'],
  ['password', 'export MYSQL_ROOT_PASSWORD=r00t.pw', 'r00t.pw'],
  ['password', 'database:\n  password: hunter2\n  host: db', 'hunter2'],
  ['password', "password: 'plain words too'", 'plain words'],
  ['password', 'SMTP_PASS=Xy9.abc!', 'Xy9.abc!'],
  ['password', 'dbPassword=correcthorse', 'correcthorse'],
  ['password', 'passphrase = "open sesame 42"', 'open sesame 42'],
  ['password', 'pwd=abc123', 'abc123'],
  ['password', 'mysql -u root --password s3cretpw! -h db', 's3cretpw!'],
  ['password', 'tool input {\\"password\\": \\"Hunter2.x\\"}', 'Hunter2.x'],
  ['password', 'SECRET_KEY=django-insecure-8x#k2!q', 'django-insecure-8x#k2!q'],
  // A keyword inside a longer label, when the value is machine-made; prose; markup; command lines.
  ['credential', j('SECRET_KEY_BASE=', hex.slice(0, 40)), hex.slice(0, 40)],
  ['credential', j('"private_key_id": "', hex.slice(3, 43), '"'), hex.slice(3, 43)],
  ['password', 'my password is Tr0ub4dor.Hx9q, do not share', 'Tr0ub4dor.Hx9q'],
  ['password', 'the password was "Xk9#mPq2vL" until today', 'Xk9#mPq2vL'],
  ['password', 'password is hunter2', 'hunter2'],
  ['password', '<db><password>Tr0ub4dor.Hx9q</password></db>', 'Tr0ub4dor.Hx9q'],
  ['password', '<ns:clientSecret>Ab3dEf.Gh5jK</ns:clientSecret>', 'Ab3dEf.Gh5jK'],
  ['password', 'curl -s -u admin:S3cretPa55 https://api.example.com', 'S3cretPa55'],
  ['password', 'curl --user "deploy:Zq8kL2mNw7" -X POST https://x', 'Zq8kL2mNw7'],
  ['password', 'mysql -h db -u root -pS3cretPa55 app', 'S3cretPa55'],
  ['password', "sshpass -p 'S3cretPa55' ssh ops@host", 'S3cretPa55'],
  ['password', 'docker login -u bob -p S3cretPa55 registry.example.com', 'S3cretPa55'],
  ['password', '$password = "Tr0ub4dor";', 'Tr0ub4dor'],
  ['password', 'app_secret := "f00.bar.baz"', 'f00.bar.baz'],
  ['password', 'settings = {secret: `Sup3r.s3cret`}', 'Sup3r.s3cret'],
  ['password', 'the password=nothing worked', 'nothing'],
  ['password', 'password=@dm1n!', '@dm1n!'],
  ['password', 'PASSWORD=$uper5ecret9x', '$uper5ecret9x'],
  ['password', 'password=my_pass123', 'my_pass123'],
  ['password', 'password={Tr0ub4dor', '{Tr0ub4dor'],
  ['credential', 'config: {"api_key": "k-1a2b3c4d"}', 'k-1a2b3c4d'],
  ['credential', 'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq', 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq'],
  ['credential', 'GITHUB_TOKEN=Xq7pL2mN9vR4tY6w', 'Xq7pL2mN9vR4tY6w'],
  ['credential', 'api_key=a1b2c3d4e5f6g7h8', 'a1b2c3d4e5f6g7h8'],
  ['credential', 'curl -H "x-api-key: 9aF3kLm2QpR7sT1v"', '9aF3kLm2QpR7sT1v'],
  ['credential', '"auth_token": "tok_8Hj3Kl9Mn2Pq"', 'tok_8Hj3Kl9Mn2Pq'],
  ['credential', 'refresh_token=1a2b3c4d5e6f7g8h9i0j', '1a2b3c4d5e6f7g8h9i0j'],
  ['credential', 'SLACK_BOT_TOKEN: abc-123-def-456-ghi', 'abc-123-def-456-ghi'],
  ['credential', 'gh api --token Zm9vYmFyYmF6cXV4MTIz', 'Zm9vYmFyYmF6cXV4MTIz'],
  ['credential', 'credentials=u5er:pa55.w0rd', 'u5er:pa55.w0rd'],
  // More issuer formats.
  ['google-oauth-token', 'access_token=ya29.A0ARrdaM8x7Yq2Lk', 'ya29.A0ARrdaM8x7Yq2Lk'],
  ['google-oauth-token', j('refresh 1//0', 'gLq8Xk2Vb7Ns3Ty9Rw4Pz6Qm1Ld5Hc8Jf'), j('1//0', 'gLq8Xk2Vb7Ns3Ty9Rw4Pz6Qm1Ld5Hc8Jf')],
  ['google-client-secret', j('GOCSPX-', '1aB2cD3eF4gH5iJ6kL7mN8oP9qR0'), j('GOCSPX-', '1aB2cD3eF4gH5iJ6kL7mN8oP9qR0')],
  ['twilio-key', j('twilio SK', hex.slice(0, 32)), j('SK', hex.slice(0, 32))],
  ['mailgun-key', j('key-', hex.slice(0, 32)), j('key-', hex.slice(0, 32))],
  ['telegram-bot-token', j('bot 123456789:AA', alnum.slice(0, 33)), j('123456789:AA', alnum.slice(0, 33))],
  ['vault-token', j('VAULT_TOKEN is hvs.', alnum.slice(0, 30)), j('hvs.', alnum.slice(0, 30))],
  ['databricks-token', j('dapi', hex.slice(0, 32)), j('dapi', hex.slice(0, 32))],
  ['grafana-token', j('glsa_', alnum.slice(0, 32), '_', hex.slice(0, 8)), j('glsa_', alnum.slice(0, 32), '_', hex.slice(0, 8))],
  ['linear-key', j('lin_api_', alnum.slice(0, 40)), j('lin_api_', alnum.slice(0, 40))],
  ['postman-key', j('PMAK-', hex.slice(0, 24), '-', hex.slice(0, 34)), j('PMAK-', hex.slice(0, 24), '-', hex.slice(0, 34))],
  ['discord-webhook', j('https://discord.com/api/', 'webhooks/123456789012345678/', alnum.slice(0, 40)), j('webhooks/123456789012345678/', alnum.slice(0, 40))],
  ['stripe-key', j('rk_', 'test_', alnum.slice(3, 27)), j('rk_', 'test_', alnum.slice(3, 27))],
  ['stripe-key', j('whsec_', alnum.slice(0, 32)), j('whsec_', alnum.slice(0, 32))],
  ['openai-key', j('OPENAI_API_KEY=sk-', 'svcacct-', alnum), j('sk-', 'svcacct-', alnum)],
  ['anthropic-key', j('sk-ant-', 'admin01-', alnum), j('sk-ant-', 'admin01-', alnum)],
  ['url-password', 'redis://:p4ssw0rd@cache:6379/0', 'p4ssw0rd'],
  ['url-password', 'amqp://guest:Tr0ub4dor.Hx9q@rabbit/', 'Tr0ub4dor.Hx9q'],
  ['private-key', j('{"private_key": "-----BEGIN ', 'PRIVATE KEY-----\\nMIIEvQIBADANBg', alnum, '\\n-----END PRIVATE KEY-----\\n"}'), j('MIIEvQIBADANBg', alnum)],
  ['jwt', j('id_token=eyJhbGciOiJSUzI1NiJ9', '.eyJpc3MiOiJodHRwczovL2V4YW1wbGUifQ.c2lnbmF0dXJlX2J5dGVz'), j('eyJhbGciOiJSUzI1NiJ9', '.eyJpc3MiOiJodHRwczovL2V4YW1wbGUifQ.c2lnbmF0dXJlX2J5dGVz')],
  ['bearer-token', j('Authorization: Bearer ', 'tok.', alnum.slice(0, 24)), j('tok.', alnum.slice(0, 24))],
];

const negatives = [
  'fixed in commit 9fceb02d0ae598e95dc970b74767f19372d61af8 and 9fceb02',
  `sha256 ${hex}`,
  'sha512 cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  'event 01HZX3J8K9M2N4P6Q8R0S2T4V6 follows 01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'session 20250101_0930_ab12 (s_ab12) and 20261122_0142_41r9',
  'request id 123e4567-e89b-12d3-a456-426614174000',
  'worked on the password reset flow and the secret santa page',
  'the password field must not be empty; passwords are hashed with argon2',
  'password=null until configured; password: ${DB_PASSWORD}; api_key=process.env.API_KEY',
  'const secret = getSecret(vault); password = hashPassword(input)',
  'the token is read from the keychain; Bearer tokens expire after an hour',
  'disk-usage-report-for-the-big-cluster and risk-assessment-of-the-migration',
  'sk-learn-models-and-all-their-friends-here',
  'AKIA is the prefix of AWS access keys',
  'https://github.com/org/repo/commit/9fceb02d0ae598e95dc970b74767f19372d61af8',
  'http://localhost:8080/path@v2 and git@github.com:org/repo.git',
  'base64 aGVsbG8gd29ybGQgdGhpcyBpcyBub3QgYSBzZWNyZXQ=',
  'BEGIN PUBLIC KEY is fine: -----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
  'version v1.2.3-rc.1+build.45, node_modules/.bin, ghp_ too short',
  'Unicode: naïve café — 日本語テキスト 🚀',
  // Labels followed by prose, placeholders, code and settings that are not secrets.
  'the secret: nothing works',
  'my-sk-mode-configuration-flag-enabled1',
  'Password: see the vault entry',
  'password=<your-password>',
  'password: ${DB_PASSWORD}',
  'token=$GITHUB_TOKEN and PASSWORD=%DB_PASS%',
  'password=**** and secret: xxxxxxxx',
  'password: "your_password_here"',
  'password=password, secret: TBD, password: null',
  'api_key = settings.API_KEY',
  'password = getenv("DB_PASSWORD")',
  'password = user.password; const token = await getToken()',
  'password = userPassword',
  'max_tokens=4096 and token_count: 1200',
  'auth: required, author=Ada, oauth flow, bypass=true',
  'PASSWORD_FILE=/run/secrets/db and password_min_length=12',
  'SECRET_NAME=prod-db-creds',
  'credentials: none; creds: in 1Password',
  'token: the session token expired yesterday',
  'see docs/password-reset.md and the api key rotation is due',
  'PWD=/home/ada/project OLDPWD=/tmp',
  'export PATH=$PATH:/usr/local/bin DEBUG=true LOG_LEVEL=info',
  'the password was rotated on 2024-05-01',
  'key: value pairs and token = null',
  'ssh-keygen -t ed25519 writes ~/.ssh/id_ed25519.pub',
  'skip-sk-tests, risk-score-for-task-2 and desk-booking-app3',
  'passwords: [redacted:password] already',
  'git push --force-with-lease origin main --token-file ~/.tok',
  'https://user@example.com/path and mailto:ada@example.com',
  'the password is required, the secret is out, the password was rotated on 2024-05-01',
  'token_count=4096 secret_version=3 api_key_header=X-Api-Key auth_provider=github2023',
  'SECRET_NAME_PREFIX=prod-db-creds-v2 password_reset_url=https://example.com/reset',
  'token_endpoint=https://oauth2.googleapis.com/token and secret_sauce_recipe=grandmas',
  'curl -u $USER:$PASS https://x; curl -u user:${TOKEN} https://x; curl --user admin https://x',
  'mysql -u root -p db; docker login -u bob --password-stdin',
  '<password></password> and <token>${TOKEN}</token> and <secretName>db-creds</secretName>',
  'secret: TODO',
  'password: @DB_PASSWORD@ and password={password} and password=my_password and api_key=your-api-key',
];

describe('redactText', () => {
  it.each(positives)('redacts %s in %j', (kind, text, secret) => {
    const r = redactText(text);
    expect(r.text).toContain(`[redacted:${kind}]`);
    expect(r.text).not.toContain(secret);
    expect(r.kinds).toContain(kind);
  });

  it('has a positive case for every rule', () => {
    expect(new Set(positives.map((p) => p[0]))).toEqual(new Set(redactionKinds));
  });

  it('has at least 60 positive and 30 negative cases', () => {
    expect(positives.length).toBeGreaterThanOrEqual(60);
    expect(negatives.length).toBeGreaterThanOrEqual(30);
  });

  it('catches the leaks of issue 11 exactly, and keeps its false positives as typed', () => {
    const cases: Array<[string, string]> = [
      ['password=Tr0ub4dor.Hx9q', 'password=[redacted:password]'],
      ['DB_PASSWORD=Summer2024.Winter', 'DB_PASSWORD=[redacted:password]'],
      ['access_token=ya29.A0ARrdaM8x7Yq2Lk', 'access_token=[redacted:google-oauth-token]'],
      ['"password": "Tr0ub4dor.Hx9q"', '"password": "[redacted:password]"'],
      ['client_secret=Ab3dEf.Gh5jK', 'client_secret=[redacted:password]'],
      ['PGPASSWORD=Tr0ub4dor.Hx9q psql', 'PGPASSWORD=[redacted:password] psql'],
      ['the secret: nothing works', 'the secret: nothing works'],
      ['my-sk-mode-configuration-flag-enabled1', 'my-sk-mode-configuration-flag-enabled1'],
      ['password=hunter22.', 'password=[redacted:password].'],
    ];
    for (const [text, expected] of cases) expect(redactText(text).text).toBe(expected);
  });

  it('redacts any value with a digit after a password label, whatever the label and the quoting (property)', () => {
    const value = fc
      .stringMatching(/^[A-Za-z0-9.!#%+@^~]{5,30}$/)
      .filter((v) => /[0-9]/.test(v) && /[A-Za-z]/.test(v) && !/^[.!#%+@^~]|[.!#%+@^~]$/.test(v));
    const label = fc.constantFrom('password', 'DB_PASSWORD', 'PGPASSWORD', 'MYSQL_ROOT_PASSWORD', 'client_secret', 'dbPassword', 'app.secret', 'export API_SECRET');
    const shape = fc.constantFrom('%l=%v', '%l: %v', '"%l": "%v"', "%l='%v'", '%l = "%v"', '{\\"%l\\":\\"%v\\"}', 'x %l=%v y');
    fc.assert(
      fc.property(label, shape, value, (l, sh, v) => {
        const text = sh.replace('%l', l).replace('%v', v);
        const out = redactText(text).text;
        expect(out).not.toContain(v);
        expect(out).toContain('[redacted:password]');
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the text around the secret, and the label of an assignment', () => {
    expect(redactText(j('use AKIA', 'IOSFODNN7EXAMPLE for s3')).text).toBe('use [redacted:aws-access-key] for s3');
    expect(redactText('password=hunter22 ok').text).toBe('password=[redacted:password] ok');
    // the secret is replaced where it stands, even when the same letters occur in the label
    expect(redactText('passwd=sswd').text).toBe('passwd=[redacted:password]');
    expect(redactText('postgres://app:S3cr3t@db/x').text).toBe('postgres://app:[redacted:url-password]@db/x');
  });

  it.each(negatives)('leaves %j alone', (text) => {
    expect(redactText(text)).toEqual({ text, kinds: [] });
  });

  it('is idempotent: a marker is never redacted again', () => {
    for (const [, text] of positives) {
      const once = redactText(text).text;
      expect(redactText(once).text).toBe(once);
    }
  });

  it('keeps what the allow list names, as exact strings or /regex/', () => {
    const key = j('AKIA', 'IOSFODNN7EXAMPLE');
    expect(redactText(`k ${key}`, { allow: [key] }).text).toBe(`k ${key}`);
    expect(redactText(`k ${key}`, { allow: ['/EXAMPLE$/'] }).text).toBe(`k ${key}`);
    expect(redactText(`k ${key}`, { allow: ['/[/', 'other'] }).text).toBe('k [redacted:aws-access-key]');
    expect(redactText(`k ${key}`, { disabled: true }).text).toBe(`k ${key}`);
  });

  it('redacts the other copies of a secret it found, which have no label of their own, but never inside a marker', () => {
    expect(redactText('password=Tr0ub4dor.Hx9q then log in with Tr0ub4dor.Hx9q').text).toBe('password=[redacted:password] then log in with [redacted:password]');
    expect(redactText('export API_KEY=a8f5f167f44f4964e6c998dee827110c; echo a8f5f167f44f4964e6c998dee827110c').text).toBe('export API_KEY=[redacted:credential]; echo [redacted:credential]');
    // too short to hunt for elsewhere: ordinary words would go with it
    expect(redactText('pass=red, and red is the colour').text).toBe('pass=[redacted:password], and red is the colour');
    expect(redactText('secret=redacted9 [redacted:password]').text).toBe('secret=[redacted:password] [redacted:password]');
  });

  it('redacts a secret found in one field of a write in every other field and draft of that write', () => {
    const [a, b] = redactDrafts([
      { type: 'decision', data: { text: 'DB_PASSWORD=Summer2024.Winter', rationale: 'Summer2024.Winter is on the wiki', options: ['keep Summer2024.Winter'] } },
      { type: 'next', data: { text: 'rotate Summer2024.Winter' } },
    ]);
    expect(JSON.stringify([a, b])).not.toContain('Summer2024.Winter');
    expect(b!.data).toEqual({ text: 'rotate [redacted:password]' });
  });

  it('redacts inside every string of a draft, keys of free-form records included', () => {
    const token = j('ghp_', alnum.slice(0, 36));
    const d = redactDraft({
      type: 'session.started',
      session: '20250101_0930_ab12',
      data: { title: `t ${token}`, shortname: 'x', taskIds: [token], meta: { [token]: token } },
    });
    expect(JSON.stringify(d)).not.toContain(token);
  });

  // Not a speed measurement (that is `npm run bench`'s job): a hang detector. Catastrophic
  // backtracking on inputs this size takes minutes; linear matching takes milliseconds. The
  // test's timeout is the only bound (no clock here): the loop yields after each input, so the
  // timeout fires as soon as one input has taken too long, on a loaded machine or an idle one.
  it('terminates on hostile input (no catastrophic backtracking)', { timeout: 60_000 }, async () => {
    const nasty = [
      `${'-----BEGIN RSA PRIVATE KEY-----'.repeat(200)}${'a'.repeat(20000)}`,
      `${'a://b:'.repeat(5000)}`,
      `password=${'a'.repeat(60000)}`,
      `${'eyJaaaaaaaaaa.'.repeat(4000)}`,
      `${'sk-'.repeat(20000)}`,
      `${'a-'.repeat(30000)}`,
      `x://${'a'.repeat(60000)}`,
      `x://u:${'a'.repeat(60000)}`,
      `"password": "${'a'.repeat(60000)}`,
      'password="'.repeat(6000),
      `${'DB_PASSWORD'.repeat(5000)}=x`,
      `--password ${'-password '.repeat(6000)}`,
      `token=${'a.'.repeat(30000)}`,
    ];
    for (const text of nasty) {
      expect(redactText(text).text).toBeTypeOf('string');
      await new Promise((r) => setImmediate(r));
    }
  });
});

describe('Journal.append', () => {
  const actor = { name: 'Ada', email: 'ada@example.com' };
  const token = j('ghp_', alnum.slice(0, 36));
  it('redacts by default, keeps the text with allowSecret for that call only', async () => {
    const journal = new Journal({ store: new MemoryStore(), replica: 'aaaaaaaaaaaa', actor });
    const [a] = await journal.append([{ type: 'next', data: { text: `a ${token}` } }]);
    const [b] = await journal.append([{ type: 'next', data: { text: `b ${token}` } }], { allowSecret: true });
    const [c] = await journal.append([{ type: 'next', data: { text: `c ${token}` } }]);
    expect(a!.data).toEqual({ text: 'a [redacted:github-token]' });
    expect(b!.data).toEqual({ text: `b ${token}` });
    expect(c!.data).toEqual({ text: 'c [redacted:github-token]' });
  });
});

describe('end to end', () => {
  let dir: string;
  const secrets = {
    github: j('ghp_', alnum.slice(5, 41)),
    aws: j('AKIA', 'Z7QWERTYUIOPASDF'),
    url: 'Pa55w0rdXYZ',
    key: j('MIIEpQIBAAKCAQEAz', alnum),
    goal: j('glpat-', 'Qq9Ww8Ee7Rr6Tt5Yy4Uu'),
    repeated: 'Zq8kL2.mNw7',
  };
  beforeAll(() => {
    dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', `rotate ${secrets.goal} today`]);
    ok(dir, ['log', '--progress', `pushed with ${secrets.github}`, '--decision', `use ${secrets.aws}`, '--rationale', `db at mysql://root:${secrets.url}@10.0.0.5/app`]);
    ok(dir, ['log', '--discovery', '-'], { input: j('found -----BEGIN RSA ', 'PRIVATE KEY-----\n', secrets.key, '\n-----END RSA PRIVATE KEY-----\n') });
    ok(dir, ['checkpoint', '--note', `note ${secrets.github}`]);
    // labelled once, then repeated bare in the same text, another field and another entry of the same call
    ok(dir, ['log', '--decision', `set PGPASSWORD=${secrets.repeated} then psql with ${secrets.repeated}`, '--rationale', `${secrets.repeated} is in the vault`, '--next', `rotate ${secrets.repeated}`]);
  });

  function allObjects(): string {
    return execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: dir, encoding: 'latin1', maxBuffer: 1 << 28 });
  }

  function cacheFiles(): string {
    const cache = path.join(dir, '.git', 'logbook', 'cache');
    return readdirSync(cache).map((f) => readFileSync(path.join(cache, f), 'utf8')).join('\n');
  }

  it('writes no secret into any git object or the cache', () => {
    const objects = allObjects();
    expect(objects).toContain('[redacted:github-token]'); // the scan does see journal objects
    for (const secret of Object.values(secrets)) {
      expect(objects).not.toContain(secret);
      expect(objects.toLowerCase()).not.toContain(secret.toLowerCase()); // not even in a lower-cased short name
      expect(cacheFiles()).not.toContain(secret);
    }
  });

  it('shows the markers in `logbook view` and the commit subjects', () => {
    const view = ok(dir, ['view']);
    for (const kind of ['github-token', 'aws-access-key', 'url-password', 'private-key', 'gitlab-token']) expect(view).toContain(`[redacted:${kind}]`);
    expect(view).toContain('mysql://root:[redacted:url-password]@10.0.0.5/app');
    expect(git(dir, 'log', '--format=%s', 'refs/logbook/replicas/' + git(dir, 'config', 'logbook.replica').trim())).toContain('[redacted:github-token]');
  });

  it('--allow-secret keeps a deliberate false positive (and the scan would catch it)', () => {
    const notSecret = j('AKIA', 'FALSEPOSITIVE0001');
    ok(dir, ['log', '--next', `document ${notSecret}`, '--allow-secret']);
    expect(ok(dir, ['view'])).toContain(notSecret);
    expect(allObjects()).toContain(notSecret);
    for (const args of [['start', '--goal'], ['close', '--complete', '--summary'], ['checkpoint', '--note'], ['pause', '--note']]) {
      expect(run(dir, [...args, 'x', '--allow-secret', '--help']).stdout).toContain('--allow-secret');
    }
  });

  it('`logbook redact` hides an event from every view without rewriting history', () => {
    const leaked = j('AKIA', 'LEAKEDBYMISTAKE01');
    const [event] = JSON.parse(ok(dir, ['log', '--decision', `rotate ${leaked}`, '--rationale', 'it leaked', '--allow-secret', '--json'])) as Array<{ id: string }>;
    const ref = `refs/logbook/replicas/${git(dir, 'config', 'logbook.replica').trim()}`;
    const tipBefore = git(dir, 'rev-parse', ref).trim();
    const out = ok(dir, ['redact', event!.id.slice(-8).toLowerCase(), '--reason', 'pasted a key']);
    expect(out).toContain(`Redacted ${event!.id} (decision in s_`);
    expect(out).toContain('still in git history');
    expect(ok(dir, ['view'])).not.toContain(leaked);
    expect(ok(dir, ['view', '--decisions'])).toContain('[redacted]');
    const json = JSON.parse(ok(dir, ['view', '--json'])) as { events: Array<{ id: string; type: string; data: Record<string, unknown> }> };
    expect(JSON.stringify(json)).not.toContain(leaked);
    expect(json.events.find((e) => e.id === event!.id)!.data).toEqual({ text: '[redacted]', rationale: '[redacted]' });
    expect(json.events.at(-1)).toMatchObject({ type: 'redaction', data: { event: event!.id, reason: 'pasted a key' } });
    // Append-only: the ref moved forward by one commit, and the old object is still there (docs/safety.md says so).
    expect(git(dir, 'rev-parse', `${ref}~1`).trim()).toBe(tipBefore);
    expect(allObjects()).toContain(leaked);
    // Twice is a no-op; unknown and ambiguous references are clear errors.
    expect(ok(dir, ['redact', event!.id])).toContain('already hidden');
    const unknown = run(dir, ['redact', '01ZZZZZZZZZZZZZZZZZZZZZZZZ']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no event has the id');
    const ambiguous = run(dir, ['redact', '0']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/matches \d+ events/);
  });

  it('honours logbook.allowSecret from git config', () => {
    const fake = j('AKIA', 'CONFIGALLOWED0001');
    git(dir, 'config', 'logbook.allowSecret', `other, ${fake}`);
    ok(dir, ['log', '--next', `x ${fake} y ${secrets.aws}`]);
    const view = ok(dir, ['view']);
    expect(view).toContain(`x ${fake} y [redacted:aws-access-key]`);
  });
});
