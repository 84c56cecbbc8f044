/** A short text for a failed platform call, for logs and agents' notes (Slack's `data.error` code when there is one). */
export function errorText(err: unknown): string {
  const e = err as { data?: { error?: string }; message?: string } | undefined;
  return e?.data?.error ?? e?.message ?? String(err);
}
