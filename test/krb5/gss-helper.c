/*
 * Test-only: one MIT GSS-API (Kerberos V5) security context over stdio, so that the tests can
 * plug real GSS_Init_sec_context / GSS_Accept_sec_context / GSS_Wrap / GSS_Unwrap into
 * saslkit's GSSAPI mechanism (no npm package exposes an acceptor with wrap/unwrap). Never
 * shipped. Built at test time: gcc gss-helper.c $(krb5-config --cflags --libs gssapi)
 *
 *   gss-helper initiate SERVICE@HOST     an initiator (credentials from KRB5CCNAME)
 *   gss-helper accept [SERVICE@HOST]     an acceptor (keys from KRB5_KTNAME)
 *
 * One request per line on stdin, one answer per line on stdout; binary data is base64, "-"
 * stands for none/empty:
 *   step TOKEN         -> ok COMPLETE(0|1) TOKEN
 *   wrap CONF TOKEN    -> ok TOKEN
 *   unwrap TOKEN       -> ok CONF(0|1) TOKEN
 *   names              -> ok INITIATOR ACCEPTOR        (display names, base64)
 *   limit CONF MAX     -> ok MAX_INPUT                 (GSS_Wrap_size_limit)
 * Failures answer: err MAJOR MINOR MESSAGE(base64)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_b64(const unsigned char *data, size_t len) {
    if (len == 0) {
        fputc('-', stdout);
        return;
    }
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = data[i] << 16 | (i + 1 < len ? data[i + 1] << 8 : 0) | (i + 2 < len ? data[i + 2] : 0);
        fputc(B64[v >> 18 & 63], stdout);
        fputc(B64[v >> 12 & 63], stdout);
        fputc(i + 1 < len ? B64[v >> 6 & 63] : '=', stdout);
        fputc(i + 2 < len ? B64[v & 63] : '=', stdout);
    }
}

static int b64_value(int c) {
    const char *p = c ? strchr(B64, c) : NULL;
    return p ? (int)(p - B64) : -1;
}

/* Decodes TEXT ("-" is empty) into a malloc'd buffer; returns 0 on bad input. */
static int get_b64(const char *text, gss_buffer_desc *out) {
    out->length = 0;
    out->value = NULL;
    if (text == NULL) return 0;
    if (strcmp(text, "-") == 0) return 1;
    size_t n = strlen(text);
    if (n % 4 != 0) return 0;
    unsigned char *buf = malloc(n / 4 * 3 + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i += 4) {
        int a = b64_value(text[i]), b = b64_value(text[i + 1]);
        int c = text[i + 2] == '=' ? 0 : b64_value(text[i + 2]);
        int d = text[i + 3] == '=' ? 0 : b64_value(text[i + 3]);
        if (a < 0 || b < 0 || c < 0 || d < 0) {
            free(buf);
            return 0;
        }
        unsigned v = a << 18 | b << 12 | c << 6 | d;
        buf[len++] = v >> 16 & 255;
        if (text[i + 2] != '=') buf[len++] = v >> 8 & 255;
        if (text[i + 3] != '=') buf[len++] = v & 255;
    }
    out->value = buf;
    out->length = len;
    return 1;
}

static void append_status(char *msg, size_t size, OM_uint32 code, int type) {
    OM_uint32 minor, context = 0;
    do {
        gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
        gss_display_status(&minor, code, type, GSS_C_NO_OID, &context, &text);
        size_t used = strlen(msg);
        snprintf(msg + used, size - used, "%s%.*s", used ? "; " : "", (int)text.length, (char *)text.value);
        gss_release_buffer(&minor, &text);
    } while (context != 0);
}

static void reply_error(OM_uint32 major, OM_uint32 minor) {
    char msg[2048] = "";
    append_status(msg, sizeof msg, major, GSS_C_GSS_CODE);
    if (minor != 0) append_status(msg, sizeof msg, minor, GSS_C_MECH_CODE);
    printf("err %u %u ", major, minor);
    put_b64((unsigned char *)msg, strlen(msg));
    fputc('\n', stdout);
}

static void reply_usage(const char *what) {
    printf("err 0 0 ");
    put_b64((const unsigned char *)what, strlen(what));
    fputc('\n', stdout);
}

static void put_name(gss_name_t name) {
    OM_uint32 minor;
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    if (name == GSS_C_NO_NAME || GSS_ERROR(gss_display_name(&minor, name, &text, NULL))) {
        fputc('-', stdout);
        return;
    }
    put_b64(text.value, text.length);
    gss_release_buffer(&minor, &text);
}

int main(int argc, char **argv) {
    if (argc < 2 || (strcmp(argv[1], "initiate") != 0 && strcmp(argv[1], "accept") != 0) ||
        (strcmp(argv[1], "initiate") == 0 && argc != 3)) {
        fprintf(stderr, "usage: gss-helper initiate SERVICE@HOST | accept [SERVICE@HOST]\n");
        return 2;
    }
    int initiator = strcmp(argv[1], "initiate") == 0;
    OM_uint32 major, minor;
    gss_name_t target = GSS_C_NO_NAME;
    gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
    gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (argc == 3) {
        gss_buffer_desc name = { strlen(argv[2]), argv[2] };
        major = gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE, &target);
        if (GSS_ERROR(major)) {
            reply_error(major, minor);
            return 1;
        }
    }
    if (!initiator && target != GSS_C_NO_NAME) {
        major = gss_acquire_cred(&minor, target, GSS_C_INDEFINITE, GSS_C_NO_OID_SET, GSS_C_ACCEPT, &cred, NULL, NULL);
        if (GSS_ERROR(major)) {
            reply_error(major, minor);
            return 1;
        }
    }

    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        line[strcspn(line, "\r\n")] = 0;
        char *cmd = strtok(line, " ");
        char *a1 = strtok(NULL, " ");
        char *a2 = strtok(NULL, " ");
        if (cmd == NULL) continue;
        gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;

        if (strcmp(cmd, "step") == 0) {
            if (!get_b64(a1, &in)) { reply_usage("bad token"); continue; }
            if (initiator) {
                /* RFC 4752 §3.1: mutual authentication, plus what the layers need. */
                OM_uint32 flags = GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG;
                major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &ctx, target, (gss_OID)gss_mech_krb5, flags, 0,
                                             GSS_C_NO_CHANNEL_BINDINGS, in.length ? &in : GSS_C_NO_BUFFER, NULL, &out, NULL, NULL);
            } else {
                major = gss_accept_sec_context(&minor, &ctx, cred, &in, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &out, NULL, NULL, NULL);
            }
            free(in.value);
            if (GSS_ERROR(major)) {
                reply_error(major, minor);
            } else {
                printf("ok %d ", major == GSS_S_COMPLETE ? 1 : 0);
                put_b64(out.value, out.length);
                fputc('\n', stdout);
            }
            gss_release_buffer(&minor, &out);
        } else if (strcmp(cmd, "wrap") == 0) {
            if (a1 == NULL || !get_b64(a2, &in)) { reply_usage("bad wrap request"); continue; }
            major = gss_wrap(&minor, ctx, atoi(a1), GSS_C_QOP_DEFAULT, &in, NULL, &out);
            free(in.value);
            if (GSS_ERROR(major)) {
                reply_error(major, minor);
            } else {
                printf("ok ");
                put_b64(out.value, out.length);
                fputc('\n', stdout);
            }
            gss_release_buffer(&minor, &out);
        } else if (strcmp(cmd, "unwrap") == 0) {
            if (!get_b64(a1, &in)) { reply_usage("bad token"); continue; }
            int conf = 0;
            major = gss_unwrap(&minor, ctx, &in, &out, &conf, NULL);
            free(in.value);
            /* Any supplementary status (a gap, a replay, out of order) is a failure here. */
            if (major != GSS_S_COMPLETE) {
                reply_error(major, minor);
            } else {
                printf("ok %d ", conf ? 1 : 0);
                put_b64(out.value, out.length);
                fputc('\n', stdout);
            }
            gss_release_buffer(&minor, &out);
        } else if (strcmp(cmd, "names") == 0) {
            gss_name_t src = GSS_C_NO_NAME, targ = GSS_C_NO_NAME;
            major = gss_inquire_context(&minor, ctx, &src, &targ, NULL, NULL, NULL, NULL, NULL);
            if (GSS_ERROR(major)) {
                reply_error(major, minor);
                continue;
            }
            printf("ok ");
            put_name(src);
            fputc(' ', stdout);
            put_name(targ);
            fputc('\n', stdout);
            gss_release_name(&minor, &src);
            gss_release_name(&minor, &targ);
        } else if (strcmp(cmd, "limit") == 0) {
            if (a1 == NULL || a2 == NULL) { reply_usage("bad limit request"); continue; }
            OM_uint32 max_input = 0;
            major = gss_wrap_size_limit(&minor, ctx, atoi(a1), GSS_C_QOP_DEFAULT, (OM_uint32)strtoul(a2, NULL, 10), &max_input);
            if (GSS_ERROR(major)) reply_error(major, minor);
            else printf("ok %u\n", max_input);
        } else {
            reply_usage("unknown command");
        }
    }
    free(line);
    if (ctx != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
    if (cred != GSS_C_NO_CREDENTIAL) gss_release_cred(&minor, &cred);
    if (target != GSS_C_NO_NAME) gss_release_name(&minor, &target);
    return 0;
}
