/**
 * Byte and text codecs shared by every mechanism and profile: strict base64, fatal UTF-8,
 * hexadecimal, constant-time equality, a bounded byte reader/writer and the security-layer
 * frame codec.
 *
 * @module saslkit/codec
 */
export { base64Decode } from './base64.js'
// The exported encoders and the comparison check their arguments (decision 5); see public.ts.
export { base64Encode, constantTimeEqual, utf8Encode } from './public.js'
export { utf8Decode } from './utf8-decode.js'
export { concatBytes, hexEncode, hexDecode } from './bytes.js'
export { ByteReader, ByteWriter } from './reader.js'
export { encodeGs2Header, escapeSaslname } from './gs2.js'
export { parseGs2Header, unescapeSaslname } from './gs2-parse.js'
export type { Gs2Header } from './gs2.js'
export { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from './frames.js'
