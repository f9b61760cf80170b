/**
 * The SHA-256 a checkpoint is known by on the wire and in the store: the file format's seal
 * (store/checkpoint-file.ts), the SHA-256 of every byte before the last 32, which hold that same
 * digest. It is not the SHA-256 of the whole file. Both the worker (checking a download) and the
 * coordinator (checking an upload, streamed) verify bytes with this one definition.
 */
import crypto from 'node:crypto';

const SEAL_BYTES = 32;

/** Feeds a file's bytes chunk by chunk (an upload's stream); `digest` says its seal and whether its trailer matches. */
export class SealHasher {
  private readonly hash = crypto.createHash('sha256');
  private held: Buffer = Buffer.alloc(0);
  size = 0;

  update(chunk: Buffer): void {
    this.size += chunk.length;
    // Hold the last 32 bytes back: they are the trailer, not hashed.
    const all = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    const cut = Math.max(0, all.length - SEAL_BYTES);
    if (cut > 0) this.hash.update(all.subarray(0, cut));
    this.held = Buffer.from(all.subarray(cut));
  }

  /** seal: the SHA-256 (hex) of the bytes before the trailer; sealed: the trailer holds it (an intact checkpoint file). */
  digest(): { seal: string; sealed: boolean } {
    const seal = this.hash.digest('hex');
    return { seal, sealed: this.held.length === SEAL_BYTES && this.held.toString('hex') === seal };
  }
}

/** The seal of a whole file in memory, or null when its trailer does not match (truncated or not a checkpoint). */
export function checkpointSeal(bytes: Buffer): string | null {
  const h = new SealHasher();
  h.update(bytes);
  const d = h.digest();
  return d.sealed ? d.seal : null;
}
