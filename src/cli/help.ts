/** The `--help` texts, with examples; `saslkit <command> --help` prints its own. */

export const MAIN_HELP = `saslkit — SASL authentication from the command line

Usage: saslkit <command> [options]

Commands:
  probe    connect to an SMTP, IMAP or POP3 server, upgrade to TLS and authenticate,
           printing the annotated transcript
  serve    run a local AUTH sandbox (SMTP, IMAP, POP3) for every mechanism
  encode   print the base64 lines to type into openssl s_client
  decode   pretty-print a SASL message (base64), secrets redacted
  hash     print a password's stored form in Dovecot's {SCHEME} syntax

Run saslkit <command> --help for its options and examples.

Exit codes:
  0  success
  1  the server refused the authentication
  2  usage error
  3  network: connection refused, reset or closed; host not found
  4  TLS: handshake or certificate failure; STARTTLS not offered
  5  timeout
  6  protocol: unexpected reply, no usable mechanism, server not verified
  7  open relay found (probe --check-open-relay)

Passwords and tokens never go on the command line (other users see it in ps, and it stays
in the shell history): give them through an environment variable or stdin.
`

export const PROBE_HELP = `Usage: saslkit probe <url> [options]

Connects, upgrades to TLS, lists the offered mechanisms, authenticates with the strongest
one both sides accept (or --mech), and prints the transcript: every line as S:/C:, each
base64 line followed by its decoded form (passwords and tokens redacted, proofs shortened).

URL schemes (default port): smtp (25), submission (587), smtps (465), imap (143),
imaps (993), pop3 (110), pop3s (995). smtp, submission, imap and pop3 must offer STARTTLS.

Options:
  --user U                 the user name (also smtp://U@host)
  --password-env VAR       read the password from the environment variable VAR
  --password-stdin         read the password from the first line of stdin
  --token-env VAR          OAuth token (OAUTHBEARER, XOAUTH2; OAUTH10A/XOAUTH: oauth_token)
  --consumer-key K         OAuth 1.0a consumer key (OAUTH10A, XOAUTH)
  --consumer-secret-env V  OAuth 1.0a consumer secret, from the environment
  --token-secret-env VAR   OAuth 1.0a token secret, from the environment
  --authzid Z              act as Z (authorization identity)
  --mech M                 use mechanism M (default: the strongest usable one)
  --no-starttls            allow cleartext: do not upgrade (the password goes in clear!)
  --ca FILE                trust the CA certificate(s) in FILE (PEM)
  --insecure               accept any server certificate (test servers only)
  --cert FILE, --key FILE  a client certificate (PEM), for EXTERNAL
  --channel-binding TYPE   tls-exporter, tls-server-end-point or tls-unique (-PLUS mechanisms)
  --gssapi-provider FILE   ES module exporting initiator({ service, host }) for GSSAPI
                           (default with --mech GSSAPI: Kerberos through the kerberos package)
  --timeout T              seconds to wait for each reply (default 30; 500ms also works)
  --ehlo NAME              SMTP EHLO name (default: our address literal)
  --check-open-relay       SMTP: before AUTH, try MAIL FROM and RCPT TO an outside domain
                           without AUTH, report whether the server refuses, then RSET.
                           Never sends DATA. Exit code 7 if the server accepts.
  --relay-from ADDR        sender for the relay check (default saslkit-relay-check@example.com)
  --relay-to ADDR          recipient for the relay check (default saslkit-relay-check@example.net)
  --json                   print the result as JSON (transcript included)
  -q, --quiet              print only the result line
  -h, --help

Without --user, --mech or a token, probe only lists the offered mechanisms.

Examples:
  PW='…' saslkit probe submission://mail.example.com --user tim --password-env PW
  saslkit probe imaps://imap.example.com --user tim --password-stdin < ~/.pw
  saslkit probe smtp://127.0.0.1:2525 --ca cert.pem --user tim --password-env PW --mech SCRAM-SHA-256
  TOKEN="$(oauth2l fetch …)" saslkit probe imaps://imap.gmail.com --user me@gmail.com --token-env TOKEN
  saslkit probe smtp://mx.example.com --check-open-relay
  saslkit probe pop3://localhost:1110 --no-starttls --user tim --password-env PW --json
`

export const SERVE_HELP = `Usage: saslkit serve [options]

A local AUTH sandbox: SMTP, IMAP and POP3 just far enough to authenticate (then QUIT or
LOGOUT), with every mechanism saslkit has. Plaintext mechanisms are offered only over TLS or
to a loopback client; -PLUS only over TLS; GSSAPI only with --gssapi-provider. Each
session's transcript is printed. Ctrl-C stops it.

Options:
  --smtp PORT, --imap PORT, --pop3 PORT     listen (default, when none is given: 2525, 1143, 1110)
  --smtps PORT, --imaps PORT, --pop3s PORT  listen with TLS from the start (needs a certificate)
  --host ADDR              listen address (default 127.0.0.1: loopback only)
  --users FILE             users (JSON, below); default: tim / tanstaaftanstaaf
  --tls-cert FILE          certificate (PEM) for STARTTLS, with --tls-key FILE
  --tls-key FILE
  --client-ca FILE         ask clients for a certificate signed by this CA; EXTERNAL then
                           authenticates its CN
  --hostname NAME          name in greetings and challenges (default localhost)
  --realm R                DIGEST-MD5 realm (default: the hostname)
  --gssapi-provider FILE   ES module exporting acceptor({ service }) for GSSAPI
  -q, --quiet              print only one line per session
  -h, --help

Users file:
  {
    "tim": { "password": "tanstaaftanstaaf" },
    "ann": { "password": ["{SCRAM-SHA-256}4096,…", "{NTLM}…"], "tokens": ["ya29.…"] },
    "bob": { "oauth1": [{ "consumerKey": "…", "consumerSecret": "…", "token": "…", "tokenSecret": "…" }] },
    "eve": { "password": "…", "disabled": true }
  }
  A password is plaintext, or a stored form from saslkit hash ({SCHEME}…; write a plaintext
  password that starts with "{" as {PLAIN}…). A stored form serves only its mechanism.

Examples:
  saslkit serve
  saslkit serve --smtp 2525 --users users.json --tls-cert cert.pem --tls-key key.pem
  saslkit serve --imap 0 --imaps 0 --tls-cert cert.pem --tls-key key.pem --client-ca ca.pem
`

export const ENCODE_HELP = `Usage: saslkit encode <plain|login|xoauth2|oauthbearer|external|anonymous> [options]

Prints the base64 lines a person types into openssl s_client (one per message; "=" is an
empty one). They hold the password or token: they are printed in full, on purpose.

Options:
  --user U                the user name
  --password-env VAR      the password, from the environment (or --password-stdin)
  --password-stdin
  --token-env VAR         the OAuth token, from the environment
  --authzid Z             act as Z
  --host H, --port P      OAUTHBEARER: the server you connect to
  --trace T               ANONYMOUS: the trace string
  -h, --help

Examples:
  PW='…' saslkit encode plain --user tim --password-env PW
      → AHRpbQB0YW5zdGFhZnRhbnN0YWFm    (then: AUTH PLAIN AHRpbQB0…)
  saslkit encode login --user tim --password-stdin < pw.txt
  TOKEN='ya29.…' saslkit encode xoauth2 --user me@example.com --token-env TOKEN
  saslkit encode external
  openssl s_client -starttls smtp -connect mail.example.com:587 -crlf
`

export const DECODE_HELP = `Usage: saslkit decode [--mech M] [--from client|server] [--json] <message|->

Pretty-prints a SASL message: PLAIN fields, LOGIN prompts, SCRAM attributes and GS2 header,
NTLM messages field by field (flag names, AV pairs, the NTLMv2 blob), GSSAPI tokens and
security-layer bytes, OAuth key/values and error JSON, DIGEST-MD5 directives, CRAM-MD5.
Passwords and tokens are redacted; proofs and hashes are shortened.

The message is base64, or a protocol line around it (334 …, + …, AUTH PLAIN …,
A1 AUTHENTICATE PLAIN …, optionally after C: or S:). "-" reads lines from stdin: a pasted
transcript decodes line by line, the mechanism taken from its AUTH line.

Options:
  --mech M          the mechanism (default: recognised by the message's shape)
  --from SIDE       client or server, when the line does not say
  --json            JSON output
  -h, --help

Examples:
  saslkit decode AHRpbQB0YW5zdGFhZnRhbnN0YWFm
  saslkit decode 'S: 334 TlRMTVNTUAACAAAADAAMADAAAAA1goni…'
  saslkit decode --mech SCRAM-SHA-256 cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=
  pbpaste | saslkit decode -
`

export const HASH_HELP = `Usage: saslkit hash --scheme SCHEME [--iterations N] [--user U --realm R]

Reads a password from stdin (asks for it, without echo, on a terminal) and prints its stored
form in Dovecot's {SCHEME} syntax, for saslkit serve's users file or a Dovecot passdb.

Options:
  --scheme S        SCRAM-SHA-1, SCRAM-SHA-256, SCRAM-SHA-512, CRAM-MD5, DIGEST-MD5 or NTLM
                    (those this build supports; the error lists them)
  --iterations N    SCRAM iteration count (default 4096)
  --user U          DIGEST-MD5 only: the user name, part of the stored hash
  --realm R         DIGEST-MD5 only: the realm, part of the stored hash
  -h, --help

Examples:
  saslkit hash --scheme SCRAM-SHA-256 --iterations 10000
  printf '%s\\n' "$PW" | saslkit hash --scheme NTLM
  saslkit hash --scheme DIGEST-MD5 --user chris --realm elwood.innosoft.com < pw.txt
`
