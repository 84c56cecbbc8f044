/**
 * True when a process with this pid runs (possibly owned by another user).
 *
 * @example
 * if (!isProcessRunning(lock.pid)) takeOver();
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
