import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

/** A bring-your-own secret: 16 to 128 printable ASCII characters without whitespace. */
export const SECRET_PATTERN = /^[!-~]{16,128}$/;

/**
 * Stored form of a webhook secret: its SHA-256 digest, plus an encrypted copy in `hmac_sha256`
 * mode, because the HMAC needs the raw secret as its key.
 */
export interface StoredSecret {
  readonly sha256: Buffer;
  readonly encrypted?: { readonly iv: Buffer; readonly tag: Buffer; readonly data: Buffer };
}

/** AES-256-GCM key of the encrypted copies. It exists only in this process's memory. */
const ENCRYPTION_KEY = randomBytes(32);

/** Generates a random secret of 64 hex characters. */
export function generateSecret(): string {
  return randomBytes(32).toString("hex");
}

export function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

export function storeSecret(secret: string, keepEncryptedCopy: boolean): StoredSecret {
  if (!keepEncryptedCopy) return { sha256: sha256(secret) };
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ENCRYPTION_KEY, iv);
  const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return { sha256: sha256(secret), encrypted: { iv, tag: cipher.getAuthTag(), data } };
}

/** Decrypts the encrypted copy; undefined for a secret kept only as a digest. */
export function revealSecret(stored: StoredSecret): string | undefined {
  if (stored.encrypted === undefined) return undefined;
  const decipher = createDecipheriv("aes-256-gcm", ENCRYPTION_KEY, stored.encrypted.iv);
  decipher.setAuthTag(stored.encrypted.tag);
  return Buffer.concat([decipher.update(stored.encrypted.data), decipher.final()]).toString("utf8");
}

/** Compares a presented `X-Webhook-Secret` with the stored digest in constant time. */
export function headerSecretMatches(stored: StoredSecret, presented: string): boolean {
  return timingSafeEqual(sha256(presented), stored.sha256);
}

/** Builds the GitHub-style signature header value of `body`: `sha256=` and the hex HMAC-SHA256 keyed with `secret`. */
export function signatureOf(secret: string, body: Uint8Array): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Checks `X-Hub-Signature-256` against the HMAC of the raw body, comparing in constant time. */
export function signatureMatches(stored: StoredSecret, presented: string, body: Uint8Array): boolean {
  const secret = revealSecret(stored);
  if (secret === undefined) return false;
  const expected = Buffer.from(signatureOf(secret, body), "utf8");
  const actual = Buffer.from(presented.trim().toLowerCase(), "utf8");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
