// RFC 9051 §9: tag = 1*<any ASTRING-CHAR except "+">; ASTRING-CHAR = ATOM-CHAR / "]";
// ATOM-CHAR excludes "(" ")" "{" SP CTL "%" "*" DQUOTE "\".
export const TAG = /^[!#$&',-/0-9:-Z[\]^-z|}~]+$/

