// Commands whose work has not landed yet say so and exit 2; they never pretend to succeed.
import { NotImplementedError } from '../../errors.js';

/** A handler that reports the command as not built yet, naming the issue that tracks it. */
export function notBuilt(command: string, issue: string): () => Promise<void> {
  return () => Promise.reject(new NotImplementedError(command, issue));
}
