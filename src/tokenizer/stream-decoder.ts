/**
 * Incremental decoding for streamed replies: token ids arrive one at a time
 * and text is emitted as soon as whole characters are available.
 */

/** Turns token ids into text one id at a time. */
export interface StreamDecoder {
  /** Adds one token id; returns the newly completed text ('' while a UTF-8 character is incomplete). */
  push(id: number): string;
  /** Ends the reply: returns what is left (an incomplete character becomes U+FFFD) and resets for reuse. */
  flush(): string;
}

/** Returns a token's UTF-8 bytes, or null for a special token (which decodes to nothing). May throw for invalid ids. */
export type TokenBytesLookup = (id: number) => Uint8Array | null;

/**
 * Creates a stream decoder over a token-to-bytes lookup. Its output,
 * concatenated up to and including `flush()`, equals a one-shot decode of the
 * same ids: bytes are decoded as UTF-8 (invalid sequences → U+FFFD) and the one
 * leading space the encoder adds is removed from the first piece.
 */
export function createByteStreamDecoder(lookup: TokenBytesLookup): StreamDecoder {
  return new ByteStreamDecoder(lookup);
}

class ByteStreamDecoder implements StreamDecoder {
  private decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private started = false;

  constructor(private readonly lookup: TokenBytesLookup) {}

  push(id: number): string {
    const bytes = this.lookup(id);
    if (bytes === null || bytes.length === 0) return '';
    return this.emit(this.decoder.decode(bytes, { stream: true }));
  }

  flush(): string {
    const rest = this.emit(this.decoder.decode());
    this.started = false;
    return rest;
  }

  /** Strips the single leading space from the first non-empty piece of a reply. */
  private emit(text: string): string {
    if (this.started || text.length === 0) return text;
    this.started = true;
    return text.startsWith(' ') ? text.slice(1) : text;
  }
}
