#!/usr/bin/env python3
"""Computes the SCRAM vectors that no RFC publishes, following RFC 5802 §3 with Python's
hashlib/hmac only, and writes them into test/vectors/scram-sha-512.json and (appended, marked
"computed") test/vectors/scram-sha-256.json:

- SCRAM-SHA-512 with the inputs of RFC 7677 §3 (draft-melnikov-scram-sha-512 has no example);
- SCRAM-SHA-256-PLUS with tls-exporter binding data, an authzid and a username that need
  saslname escaping, and a password that SASLprep changes (NFKC, a mapped space).

Usage: python3 scripts/gen-scram-vectors.py
"""
import base64
import hashlib
import hmac
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
saslprep_reference = __import__('saslprep-reference')

VECTORS = pathlib.Path(__file__).resolve().parent.parent / 'test' / 'vectors'
PYTHON = f'python3 {sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro} (hashlib/hmac/base64 stdlib)'


def saslprep(text, stored):
    out = saslprep_reference.saslprep(text, stored)
    assert not out.startswith('!'), out
    return ''.join(chr(int(h, 16)) for h in out.split('.')) if out else ''


def escape(name):
    return name.replace('=', '=3D').replace(',', '=2C')


def exchange(hash_name, username, password, authzid, cnonce, snonce, salt, iterations, cb_type=None, cb_data=b''):
    h = getattr(hashlib, hash_name)
    user = saslprep(username, False)
    pw = saslprep(password, True)
    gs2 = (f'p={cb_type}' if cb_type else 'n') + ',' + (f'a={escape(authzid)}' if authzid else '') + ','
    client_first_bare = f'n={escape(user)},r={cnonce}'
    nonce = cnonce + snonce
    server_first = f'r={nonce},s={base64.b64encode(salt).decode()},i={iterations}'
    cbind = base64.b64encode(gs2.encode() + cb_data).decode()
    without_proof = f'c={cbind},r={nonce}'
    auth_message = f'{client_first_bare},{server_first},{without_proof}'
    salted = hashlib.pbkdf2_hmac(hash_name, pw.encode(), salt, iterations)
    client_key = hmac.new(salted, b'Client Key', h).digest()
    stored_key = h(client_key).digest()
    client_sig = hmac.new(stored_key, auth_message.encode(), h).digest()
    proof = bytes(a ^ b for a, b in zip(client_key, client_sig))
    server_key = hmac.new(salted, b'Server Key', h).digest()
    server_sig = hmac.new(server_key, auth_message.encode(), h).digest()
    inputs = {
        'username': username, 'password': password, 'client_nonce': cnonce, 'server_nonce_suffix': snonce,
        'salt_base64': base64.b64encode(salt).decode(), 'salt_hex': salt.hex(), 'iterations': iterations,
        'gs2_header': gs2,
    }
    if authzid:
        inputs['authzid'] = authzid
    if cb_type:
        inputs['channel_binding'] = {'type': cb_type, 'data_hex': cb_data.hex()}
    return inputs, {
        'client_first': gs2 + client_first_bare,
        'server_first': server_first,
        'client_final': f'{without_proof},p={base64.b64encode(proof).decode()}',
        'server_final': f'v={base64.b64encode(server_sig).decode()}',
        'intermediates_computed_here': {
            'SASLprep_username': user, 'SASLprep_password': pw,
            'AuthMessage': auth_message,
            'SaltedPassword_hex': salted.hex(), 'ClientKey_hex': client_key.hex(), 'StoredKey_hex': stored_key.hex(),
            'ClientSignature_hex': client_sig.hex(), 'ClientProof_hex': proof.hex(),
            'ServerKey_hex': server_key.hex(), 'ServerSignature_hex': server_sig.hex(),
        },
    }


def main():
    inputs, expected = exchange('sha512', 'user', 'pencil', '', 'rOprNGfwEbeRWgbNEkqO', '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
                                base64.b64decode('W22ZaJ0SNY7soEsUEjb6gQ=='), 4096)
    sha512 = {
        '_source': 'computed with Python hashlib following RFC 5802 section 3 (scripts/gen-scram-vectors.py); no published SCRAM-SHA-512 example exists',
        'vectors': [{
            'id': 'SCRAM-SHA-512 user/pencil (computed; RFC 7677 s3 inputs)',
            'source': 'computed with Python hashlib following RFC 5802 section 3 and draft-melnikov-scram-sha-512 (hash SHA-512); inputs of RFC 7677 section 3',
            'inputs': inputs, 'expected': expected, 'verified': True, 'verified_with': PYTHON,
            'notes': 'Not a published vector. GNU SASL 2.2.0 (gsasl --mkpasswd, the client and server) has no SCRAM-SHA-512, so it could not cross-check it.',
        }],
    }
    (VECTORS / 'scram-sha-512.json').write_text(json.dumps(sha512, indent=1, ensure_ascii=True) + '\n')

    inputs, expected = exchange('sha256', 'us,er=\u2168', 'pen\u00a0cil\u2163', 'ad,min', 'Zr8NeoYe1pvZx8rWdM8C', 'Qz+7bYyqk7gT2lXp3G9pJw',
                                bytes(range(16)), 4096, 'tls-exporter', bytes(range(0xa0, 0xc0)))
    path = VECTORS / 'scram-sha-256.json'
    doc = json.loads(path.read_text())
    doc['vectors'] = [v for v in doc['vectors'] if not v['id'].startswith('SCRAM-SHA-256-PLUS')]
    doc['vectors'].append({
        'id': 'SCRAM-SHA-256-PLUS tls-exporter, authzid, escaping, SASLprep (computed)',
        'source': 'computed with Python hashlib following RFC 5802 sections 3, 5.1, 6 and 7, RFC 7677, RFC 9266 (binding type name only; the 32 data bytes are arbitrary), RFC 4013 via Python stringprep (scripts/gen-scram-vectors.py)',
        'inputs': inputs, 'expected': expected, 'verified': True, 'verified_with': PYTHON,
        'notes': "Not a published vector. Username 'us,er=' + U+2168 is SASLprepped to 'us,er=IX' and sent as 'us=2Cer=3DIX'; the password's NO-BREAK SPACE maps to SPACE and U+2163 to 'IV' (NFKC).",
    })
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=True) + '\n')
    print('wrote', VECTORS / 'scram-sha-512.json', 'and', path)


if __name__ == '__main__':
    main()
