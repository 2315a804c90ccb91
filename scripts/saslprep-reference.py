#!/usr/bin/env python3
"""A reference SASLprep (RFC 4013) on Python's stdlib `stringprep` and `unicodedata.ucd_3_2_0`,
which implement the RFC 3454 tables and Unicode 3.2 normalisation exactly.
test/node/saslprep-python.test.ts compares src/codec/saslprep.ts with it.

stdin:  {"sequences": [[code point, ...], ...]}
stdout: {"single": {"query": [...], "stored": [...]}, "sequences": {"query": [...], "stored": [...]}}
        "single" holds one result for every code point U+0000..U+10FFFF, in order. A result is
        the output's code points in hex joined by "." ("" for an empty output), or "!" and the
        rule broken (the same rule names and checking order as saslprep.ts).
"""
import json
import stringprep as sp
import sys
import unicodedata

PROHIBITED = [
    (sp.in_table_c12, 'C.1.2'), (sp.in_table_c21, 'C.2.1'), (sp.in_table_c22, 'C.2.2'),
    (sp.in_table_c3, 'C.3'), (sp.in_table_c4, 'C.4'), (sp.in_table_c5, 'C.5'),
    (sp.in_table_c6, 'C.6'), (sp.in_table_c7, 'C.7'), (sp.in_table_c8, 'C.8'), (sp.in_table_c9, 'C.9'),
]


def nfkc_3_2(text):
    """NFKC on Unicode 3.2. ucd_3_2_0.normalize is exact for code points assigned in 3.2, but
    it reorders code points unassigned in 3.2 by their *current* combining class (CPython's
    nfd_nfkd reads the current record's `combining`, although ucd_3_2_0.combining() answers 0):
    normalize('NFKC', 'a\u0366\U000110BA') swaps the last two, which Unicode 3.2, where U+110BA
    is an unassigned starter, never would. So normalise the runs between unassigned code points
    separately and keep those code points as they are, as Unicode 3.2 does."""
    out, run = '', ''
    for c in text:
        if sp.in_table_a1(c):
            out += unicodedata.ucd_3_2_0.normalize('NFKC', run) + c
            run = ''
        else:
            run += c
    return out + unicodedata.ucd_3_2_0.normalize('NFKC', run)


def saslprep(text, stored):
    mapped = ''.join(' ' if sp.in_table_c12(c) else c for c in text if not sp.in_table_b1(c))
    out = nfkc_3_2(mapped)
    rand_al = l_cat = False
    for c in out:
        for table, rule in PROHIBITED:
            if table(c):
                return '!' + rule
        if stored and sp.in_table_a1(c):
            return '!A.1'
        if sp.in_table_d1(c):
            rand_al = True
        elif sp.in_table_d2(c):
            l_cat = True
    if rand_al:
        if l_cat:
            return '!6.2'
        if not (sp.in_table_d1(out[0]) and sp.in_table_d1(out[-1])):
            return '!6.3'
    return '.'.join(format(ord(c), 'x') for c in out)


def main():
    request = json.load(sys.stdin)
    singles = [chr(cp) for cp in range(0x110000)]
    sequences = [''.join(chr(cp) for cp in seq) for seq in request['sequences']]
    json.dump({
        'single': {mode: [saslprep(s, mode == 'stored') for s in singles] for mode in ('query', 'stored')},
        'sequences': {mode: [saslprep(s, mode == 'stored') for s in sequences] for mode in ('query', 'stored')},
    }, sys.stdout, separators=(',', ':'))


if __name__ == '__main__':
    main()
