import { SaslError } from '../core/errors.js'

/** RFC 4505 §2: trace = [ email / token ], token = 1*255TCHAR, TCHAR excludes controls. */
export function checkTrace(trace: string): void {
  if ([...trace].length > 255) throw new SaslError('malformed-request', 'ANONYMOUS: trace longer than 255 characters')
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(trace)) {
    throw new SaslError('malformed-request', 'ANONYMOUS: trace contains a control character')
  }
}
