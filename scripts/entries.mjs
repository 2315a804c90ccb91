// The one list of public entry points: tsup builds them, typedoc documents them, the bundle
// and packaging tests walk them. package.json "exports" must name the same subpaths (a test
// checks it). Node-only entries are marked so the browser checks skip them.
export const entries = [
  { name: 'index', source: 'src/index.ts' },
  { name: 'codec', source: 'src/codec/index.ts' },
  { name: 'plain', source: 'src/mechanisms/plain.ts' },
  { name: 'login', source: 'src/mechanisms/login.ts' },
  { name: 'anonymous', source: 'src/mechanisms/anonymous.ts' },
  { name: 'external', source: 'src/mechanisms/external.ts' },
  { name: 'cram-md5', source: 'src/mechanisms/cram-md5.ts' },
  { name: 'digest-md5', source: 'src/mechanisms/digest-md5.ts' },
  { name: 'ntlm', source: 'src/mechanisms/ntlm/index.ts' },
  { name: 'oauth', source: 'src/mechanisms/oauth.ts' },
  { name: 'oauth1', source: 'src/mechanisms/oauth1.ts' },
  { name: 'scram', source: 'src/mechanisms/scram.ts' },
  { name: 'saslprep', source: 'src/codec/saslprep.ts' },
  { name: 'gssapi', source: 'src/mechanisms/gssapi.ts' },
  { name: 'node', source: 'src/node/index.ts', nodeOnly: true },
  { name: 'smtp', source: 'src/profiles/smtp.ts' },
  { name: 'imap', source: 'src/profiles/imap.ts' },
  { name: 'pop3', source: 'src/profiles/pop3.ts' },
  { name: 'xmpp', source: 'src/profiles/xmpp.ts' },
]

/** Subpath as users import it: 'saslkit' or 'saslkit/<name>'. */
export const specifier = (entry) => (entry.name === 'index' ? 'saslkit' : `saslkit/${entry.name}`)
