/**
 * Size limits shared by the servers and the clients that bound what they parse. A module of
 * its own: a client bundle that checks server options up front (core/options.ts) must not
 * carry the servers' limits with them.
 */

/** Largest client message a server accepts by default (Dovecot's limit). */
export const DEFAULT_MAX_MESSAGE_BYTES = 65536
