// Why each missed goal was missed and what would close it, written from the profiles, the
// "floor's code on saslkit's primitives" splits, the Primitives rows and the breakdown
// measurements of the bench (keyed by row name; `memory` for the memory goal). bench.mjs prints
// these under "Missed goals" in docs/benchmarks.md, next to the profile tables of the same run.
// Figures quoted here are approximate and stable across runs; the tables carry this run's.

const scramClientVsFloor = (hash) =>
  `Both sides run PBKDF2 in OpenSSL: saslkit through Web Crypto (\`crypto.subtle.importKey\` + \`deriveBits\`, src/crypto/pbkdf2.ts), the floor through \`pbkdf2Sync\`. ` +
  `The "${hash} client PBKDF2 alone" row isolates that part (Web Crypto's PBKDF2 at about 0.8–0.95 of pbkdf2Sync: the job crosses to a libuv pool thread and back, and Web Crypto's JavaScript layer validates its arguments — \`normalizeAlgorithm\`, webidl converters, \`makeTransferable\` in the profile). ` +
  'The profile of the saslkit side is mostly `(idle)`: the main thread waiting for that thread. What is left (five noble HMAC/digest calls, parsing, SASLprep of two ASCII strings, the step guard) is a few percent. ' +
  'On a shared machine the hand-off to the pool thread waits for a core, which is where the spread of this row comes from. Nothing in saslkit closes the rest: a faster PBKDF2 than Web Crypto\'s is only node\'s own, which a browser does not have.'

const scramServer = (hash) =>
  `The split above says most of it: the floor's own code run on saslkit's primitives reaches only about a quarter to a third of the floor, because noble's HMAC-${hash.slice(4)} runs at about 0.2–0.3 of node's \`createHmac\` on this machine (see the Primitives rows; the issue's goal assumed 0.52). ` +
  'So 0.45 is out of reach for a server built on @noble/hashes, before any saslkit code runs. In the profile, most of the time is noble building hash objects (`<instance_members_initializer>` and `createView` of `HashMD`, `_HMAC`: every HMAC makes three or four of them, each with a 64- or 128-byte buffer and a DataView) rather than compressing. ' +
  "saslkit's own code then runs at about half of that ceiling. The inclusive profile names where: `#recordFor` in src/mechanisms/scram.ts computes the fake record of RFC 5802 §9 (salt, StoredKey, ServerKey: three HMACs keyed with the server secret) on every login, known users included, so that unknown users cost the same. " +
  'What would close the part that is saslkit\'s: (1) in `ScramServerImpl.#recordFor`, derive only the fake salt with an HMAC and take the fake StoredKey/ServerKey from it (or constants): the record is refused by `refusal` anyway, and `#answerClientFinal` still does the same work for every user — two HMACs fewer per login; ' +
  '(2) key the secret once per server options (`hmac.create(hash, secret)` kept with the options, `_cloneInto()` per login) so the fake salt costs one compression pass, not the key schedule too. ' +
  'That brings saslkit near the ceiling; reaching 0.45 of node needs an HMAC faster than noble\'s (an allocation-free SHA-2 compression over fixed buffers), which is @noble/hashes\' design, not saslkit\'s.'

const peerScramSha1 =
  'sasl-scram-sha-1 and @xmpp/sasl-scram-sha-1 (the same code; @xmpp adds base64 and its factory) run PBKDF2 as 8,192 awaited Web Crypto calls (an importKey and a sign per iteration). ' +
  'Each costs about 20 µs here, not the 30 µs the issue measured, so these peers run at about 1/170–1/200 of native rather than 1/330: the "for scale" lines show the native floor itself under 250× them. ' +
  "saslkit's PBKDF2 is one Web Crypto call at about 0.9 of the floor (the PBKDF2-alone row), so 250× would need saslkit faster than OpenSSL's PBKDF2. Nothing in saslkit can close it; the goal's premise does not hold on this runtime and machine."

export const analysis = {
  'PLAIN client response':
    'sasl-plain concatenates three strings (here also encoded once, for the same bytes out). saslkit\'s client checks its options, builds the message, and answers `start()` through `ClientBase` (src/core/guard.ts), an async state machine: `start()` awaits `#step()`, which awaits the hook — two Promises and an extra microtask per step. ' +
    'This branch already cut the client from three `TextEncoder` calls, a `concatBytes` and a copy to one encode at `start()` (src/mechanisms/plain.ts; 0.18× → 0.33× of sasl-plain). ' +
    'The "same bytes by hand, returned as a Promise" baseline shows what the async contract itself costs: by hand it is faster than sasl-plain, so the remaining gap is the step guard (`#step`/`start` about 20% inclusive in the profile) and the client object. ' +
    'What would close more: in `ClientBase` (src/core/guard.ts), one async function per step instead of two, and not awaiting a hook that returned synchronously. 1.0× against a synchronous string concatenation is not reachable behind an async API; the absolute cost is well under a microsecond per login.',
  'CRAM-MD5 server verify (stored HMAC-MD5 context)':
    "The split shows the primitive sets the ceiling: saslkit's resumed HMAC-MD5 (`hmacMd5FromContext`, src/crypto/md5.ts) alone runs at about 0.3 of node's full HMAC-MD5 (Primitives row), although it skips the two key-block compressions node does — it builds two noble MD5 objects per call (`<instance_members_initializer>`, `createView` in the profile) and noble's MD5 of 150 bytes runs at about 0.2 of node's (Primitives). " +
    "saslkit's verify around it (`CramMd5Server.onNext`, src/mechanisms/cram-md5.ts) adds, first, an HMAC-MD5 context derived from a dummy key on every attempt (`secretContext`, also when the stored context is used: since the hostile-input work, every storage form and unknown users cost the same counted work, so the stored-context path pays the password path's key schedule — two more MD5 compressions and two noble objects), then UTF-8 decoding, the regex check, `hexEncode` of the expected digest and two `utf8Encode` calls to compare hex text. " +
    'What would close it: (1) compare bytes: hex-decode the client\'s 32 digits once and `constantTimeEqual` them with the raw 16-byte digest (no hexEncode, no two TextEncoder calls); (1b) keep the equal-work rule but make it cheaper for everyone, e.g. derive the dummy context from a fixed 64-byte block with the same allocation-free code as (2); ' +
    '(2) an allocation-free resumed MD5 in `hmacMd5FromContext` — the inner and outer hashes are fixed-size finishes (one or two compressions from a saved state), which a module-level Int32Array state can do without constructing noble objects. (2) is needed for 0.5: noble\'s MD5 object costs more than the compressions.',
  'SCRAM-SHA-1 client exchange (password, i=4096)': {
    'sasl-scram-sha-1': peerScramSha1,
    '@xmpp/sasl-scram-sha-1': peerScramSha1,
    'node:crypto floor': scramClientVsFloor('SCRAM-SHA-1'),
  },
  'SCRAM-SHA-256 client exchange (password, i=4096)': {
    pg:
      "pg's client (pg/lib/crypto/sasl) also runs PBKDF2 in Web Crypto's `deriveBits` — the same native code as saslkit — and then five awaited Web Crypto calls for the HMACs and the digest, where saslkit makes five synchronous noble calls. " +
      'The most saslkit can gain over pg is those five calls, roughly 0.1–0.2 ms against a 1 ms PBKDF2, so the ratio tops out near 1.2×. The goal assumed pg at 0.56 of native; the "for scale" line shows the native floor itself only about 1.4× pg here (pg at about 0.7 of native), so 1.4× needs saslkit at the floor\'s full speed. Nothing in saslkit closes it: its PBKDF2 already is Web Crypto\'s.',
    'node:crypto floor': scramClientVsFloor('SCRAM-SHA-256'),
  },
  'SCRAM-SHA-512 client exchange (password, i=4096)': scramClientVsFloor('SCRAM-SHA-512'),
  'SCRAM-SHA-1 server login (stored keys)': scramServer('SHA-1'),
  'SCRAM-SHA-256 server login (stored keys)': scramServer('SHA-256'),
  'SCRAM-SHA-512 server login (stored keys)':
    scramServer('SHA-512') + ' SHA-512 is the worst case: noble does 64-bit arithmetic in 32-bit halves (its HMAC-SHA-512 row is the lowest of the Primitives), and the fake salt is an HMAC-SHA-256 while the fake keys are two HMAC-SHA-512.',
  'NTLMv2 client NEGOTIATE + AUTHENTICATE (HTTP header in and out)':
    "The split: the floor's own code on saslkit's primitives (noble HMAC-MD5, saslkit's MD4 and RC4) reaches about half of the floor — noble's HMAC-MD5 is about 0.2–0.3 of node's, and an NTLMv2 AUTHENTICATE needs four of them (NTOWFv2, NTProofStr, SessionBaseKey, MIC) — so 0.8 of the floor is out of reach on noble. " +
    "saslkit's client then runs at about half of that ceiling. The inclusive profile names the extra work in `#authenticate` (src/mechanisms/ntlm/client.ts): `createSession` (MS-NLMP §3.4 signing and sealing keys: four MD5s and two RC4 key schedules) is computed for every AUTHENTICATE although only `session.wrap/unwrap` after success need it (~20%); two `getRandomValues` calls (ClientChallenge, ExportedSessionKey; ~10%); `hmacMd5` (src/mechanisms/ntlm/crypto.ts) concatenates its parts with `concatBytes` before hashing, and NTProofStr and SessionBaseKey each rebuild the HMAC keyed with the same ResponseKeyNT. " +
    'What would close the part that is saslkit\'s: create the session lazily (in `finish()` or the `session` getter); draw the 24 random bytes in one call; feed the parts to one noble HMAC (`hmac.create(md5, key).update(a).update(b)`) and reuse the ResponseKeyNT-keyed state for both HMACs (`_cloneInto`). ' +
    'That puts saslkit near the ceiling, which the "for scale" lines put at about 1.4–1.5× httpntlm (httpntlm runs MD4 and six DES operations in JavaScript for LM/NTLMv1 responses it then discards, but its three HMAC-MD5s are node\'s); 0.8 of the floor needs an allocation-free HMAC-MD5 (as src/crypto/md4.ts is for MD4).',
  'NTLMv2 server verify step (AUTHENTICATE with MIC)':
    "The split: the floor's verify on saslkit's primitives reaches under a third of the floor (four HMAC-MD5 on noble at about 0.2–0.3 of node's each, plus RC4), so 0.6 is out of reach with noble's MD5. " +
    "saslkit's verify then runs at about 0.6 of that ceiling. The inclusive profile: `createSession` (~25%) is computed in `#verify` (src/mechanisms/ntlm/server.ts) on every success, though only `session.wrap/unwrap` need it; `hmacMd5` with `concatBytes` of the three messages for the MIC (~600 bytes copied) and two HMACs keyed with the same ResponseKeyNT; `storedSecret` hashes a dummy password with MD4 on every attempt, also when the NT hash is stored (the equal-work rule for unknown users and storage forms); `makeIdentity`. " +
    'What would close saslkit\'s part: a lazy session (the `session` getter), streaming the MIC\'s three messages into one HMAC instead of concatenating them, and reusing the ResponseKeyNT-keyed HMAC state for NTProofStr and SessionBaseKey. Beyond the ceiling: an allocation-free HMAC-MD5 in src/crypto.',
  'SCRAM-SHA-256 login through SMTP profile (client password, PBKDF2)':
    'This login is dominated by the client\'s PBKDF2, which saslkit and the by-hand code both run through the same Web Crypto call, so the layers\' cost is a few percent of it and the ratio mostly carries the thread hand-off noise of the shared machine (see its range). The cached-keys row below measures the layers without PBKDF2.',
  'SCRAM-SHA-256 login through SMTP profile (client cached keys, no PBKDF2)':
    'Without PBKDF2 the login is a handful of HMACs, and the extra ratio "without the SMTP profile" splits the overhead: the SMTP profile (line parsing, base64, reply building, `smtp.client`/`smtp.server` step guards) costs about a fifth of the time (about 0.8× of the same exchange without it); the larger part is inside the SCRAM client and server, which run at about 0.6 of the by-hand computation. ' +
    'The inclusive profile: the server\'s `#recordFor` (the fake record, three HMACs on every login, src/mechanisms/scram.ts) is about a quarter of the whole login — by hand a server needs none of it — and noble\'s HMAC object construction dominates the rest, as in the server-login rows; `makeNonce` → `getRandomValues` appears on both sides. ' +
    'What would close it: the two `#recordFor` changes of the SCRAM server-login analysis (about a quarter of the time); then the step guards of ClientBase/ServerBase and of the profile (two async functions per step each). The 10% target is tight for a login whose whole computation is a few microseconds of HMACs; with the fake-record fix the remaining overhead should be around a third.',
  'SCRAM-SHA-256 client exchange in a fresh process (load + run)':
    "node's own implementation needs nothing loaded: `node:crypto` is part of the runtime, and `pbkdf2Sync` is ready at once. saslkit's cold exchange pays (see the breakdown in the note): importing saslkit/scram, which loads its module files through node's ESM loader (resolve, read, compile and link each; the import rows below show each file costs on the order of a millisecond here), and the first `crypto.subtle` call, which loads node's Web Crypto layer lazily (the \"node:crypto with PBKDF2 on crypto.subtle\" ratio isolates that; it is not saslkit's code). " +
    'What would close part of it: fewer files on the scram path (tsup code splitting gives saslkit/scram its entry plus shared chunks, and @noble/hashes adds its own files; one bundled file per entry, or merging the small shared chunks, removes most of the per-file cost — the bundled-plain import row measures exactly that for saslkit/plain). 2× node\'s built-in is not reachable for any library that has to be loaded and uses Web Crypto: the Web Crypto set-up alone exceeds it.',
  'import saslkit/plain, fresh process':
    'saslkit/plain is small (about 25 KB of JavaScript) but it is several module files: dist/plain.js and the chunks tsup splits out for code shared with other entries (core errors, the step guard, bytes and UTF-8 codecs). Node\'s ESM loader pays per file (resolve, read, compile, link). ' +
    'The "bundled into one file" row is the same code as one module: its extra time over an empty module is a fraction of a millisecond, so the whole gap is the number of files. ' +
    'What would close it: build the small mechanism entries so they load one or two files — e.g. put the core and codec chunks that every entry shares into one chunk (fewer, larger shared chunks), or give tsup a separate non-split build for single-mechanism entries while keeping one shared chunk for `SaslError` (identity across entries must survive, so not a full per-entry copy).',
  memory:
    'The heap-snapshot breakdown (`npm run mem -- --breakdown`, table in docs/memory.md) shows one Uint8Array and its ArrayBuffer per exchange, about 180 bytes: the `ScramServerImpl` constructor (src/mechanisms/scram.ts) encodes `options.secret` into a fresh `Uint8Array` for every server (`secretBytes`), although every server of a deployment has the same secret and it is only needed while answering client-first. ' +
    'Without the `secret` option the same exchange retains about 840 bytes (measured alongside), under the goal. What would close it: encode the secret once — cache the bytes of the last secret string at module level, or keep them with the caller\'s options through a WeakMap — or drop the field after client-first. ' +
    'Smaller wins in the same file: the pending state keeps clientFirstBare, serverFirst and the nonce as separate (sliced and concatenated) strings where one flattened `authMessage` prefix would do, and each server copies the options object and allocates an empty bindings array.',
}
