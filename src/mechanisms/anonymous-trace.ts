import { SaslError } from '../core/errors.js'

/**
 * RFC 4505 §2: trace = [ email / token ], token = 1*255TCHAR, TCHAR excludes controls. One
 * bounded pattern: with the `u` flag `{0,255}` counts code points, not UTF-16 units. The
 * client's `trace` option goes through here too; one that is not a string is tested as its
 * text (decision 5's one exception, for the size of this bundle).
 */
export function checkTrace(trace: string): void {
  // eslint-disable-next-line no-control-regex
  if (!/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]{0,255}$/u.test(trace)) {
    throw new SaslError('malformed-request', 'ANONYMOUS: trace over 255 characters or with a control character')
  }
}
