/*
 * Test-only: adds principals to a throwaway MIT Kerberos database, as `kadmin.local -q
 * "addprinc -randkey …"` + `ktadd` would, so that the Kerberos tests need only the packages
 * krb5-kdc, krb5-user and libkrb5-dev (kadmin.local lives in krb5-admin-server). Never shipped.
 *
 *   kdb-admin REALM PRINCIPAL KEYTAB
 *
 * creates PRINCIPAL with random keys and writes them to KEYTAB (FILE:… or a path). The
 * database comes from KRB5_KDC_PROFILE / KRB5_CONFIG like kadmin.local's.
 * Built at test time: gcc kdb-admin.c $(krb5-config --cflags --libs kadm-server)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kadm5/admin.h>

static int fail(krb5_context ctx, const char *what, krb5_error_code code) {
    const char *msg = ctx ? krb5_get_error_message(ctx, code) : "";
    fprintf(stderr, "kdb-admin: %s: %s (%ld)\n", what, msg, (long)code);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: kdb-admin REALM PRINCIPAL KEYTAB\n");
        return 2;
    }
    char *realm = argv[1];
    const char *name = argv[2];
    const char *keytab_name = argv[3];

    krb5_context ctx;
    krb5_error_code code = kadm5_init_krb5_context(&ctx);
    if (code) return fail(NULL, "init context", code);

    kadm5_config_params params;
    memset(&params, 0, sizeof params);
    params.mask = KADM5_CONFIG_REALM;
    params.realm = realm;
    void *handle = NULL;
    /* The server-side library opens the database directly; like kadmin.local it ignores the
     * password and uses the client name only for its log. */
    code = kadm5_init_with_password(ctx, "root/admin", NULL, KADM5_ADMIN_SERVICE, &params,
                                    KADM5_STRUCT_VERSION, KADM5_API_VERSION_4, NULL, &handle);
    if (code) return fail(ctx, "open database", code);

    kadm5_principal_ent_rec ent;
    memset(&ent, 0, sizeof ent);
    code = krb5_parse_name(ctx, name, &ent.principal);
    if (code) return fail(ctx, "parse principal", code);
    /* A NULL password asks for random keys (addprinc -randkey). */
    code = kadm5_create_principal(handle, &ent, KADM5_PRINCIPAL, NULL);
    if (code) return fail(ctx, "create principal", code);

    krb5_keyblock *keys = NULL;
    int n_keys = 0;
    code = kadm5_randkey_principal(handle, ent.principal, &keys, &n_keys);
    if (code) return fail(ctx, "randomize keys", code);

    kadm5_principal_ent_rec stored;
    memset(&stored, 0, sizeof stored);
    code = kadm5_get_principal(handle, ent.principal, &stored, KADM5_KVNO | KADM5_PRINCIPAL);
    if (code) return fail(ctx, "read principal", code);

    krb5_keytab keytab;
    code = krb5_kt_resolve(ctx, keytab_name, &keytab);
    if (code) return fail(ctx, "open keytab", code);
    for (int i = 0; i < n_keys; i++) {
        krb5_keytab_entry entry;
        memset(&entry, 0, sizeof entry);
        entry.principal = ent.principal;
        entry.vno = stored.kvno;
        entry.key = keys[i];
        code = krb5_kt_add_entry(ctx, keytab, &entry);
        if (code) return fail(ctx, "write keytab", code);
    }
    krb5_kt_close(ctx, keytab);
    for (int i = 0; i < n_keys; i++) krb5_free_keyblock_contents(ctx, &keys[i]);
    free(keys);
    kadm5_free_principal_ent(handle, &stored);
    krb5_free_principal(ctx, ent.principal);
    kadm5_destroy(handle);
    krb5_free_context(ctx);
    return 0;
}
