import type { ProgressEvent } from '../training/trainer.ts';

/** Seconds as `1h02m`, `3m12s` or `45s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * The training progress bar: redraws one line on a terminal; elsewhere (logs,
 * CI) prints a line every 10 % of an epoch and at every epoch end.
 */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): (e: ProgressEvent) => void {
  const tty = Boolean(stream.isTTY);
  let lastDecile = -1;
  let lastDraw = 0;
  return (e) => {
    if (e.phase === 'epoch-end' && e.record) {
      const r = e.record;
      if (tty) stream.write('\r\x1b[K');
      stream.write(`epoch ${r.epoch}/${e.epochs}  train loss ${r.trainLoss.toFixed(3)}  valid loss ${r.validLoss.toFixed(3)}  valid ppl ${r.validTokenPpl.toFixed(2)}  ${r.tokensPerSecond} tok/s  ${formatDuration(r.seconds)}\n`);
      lastDecile = -1;
      return;
    }
    if (e.phase === 'validate') {
      if (tty) stream.write(`\r\x1b[Kepoch ${e.epoch}/${e.epochs}  validating…`);
      return;
    }
    const frac = e.step / Math.max(1, e.steps);
    const line = `epoch ${e.epoch}/${e.epochs} [${'#'.repeat(Math.round(frac * 24)).padEnd(24, '.')}] ${(frac * 100).toFixed(0).padStart(3)}%  loss ${e.loss.toFixed(3)}  ppl ${Math.exp(e.loss).toFixed(2)}  ${Math.round(e.tokensPerSecond)} tok/s  ETA ${formatDuration(e.etaSeconds)}`;
    if (tty) {
      const now = Date.now();
      if (now - lastDraw > 100 || e.step === e.steps) {
        stream.write(`\r\x1b[K${line}`);
        lastDraw = now;
      }
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== lastDecile && e.step > 1) {
        stream.write(line + '\n');
        lastDecile = decile;
      }
    }
  };
}
