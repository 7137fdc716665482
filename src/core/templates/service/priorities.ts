// Listener rule priorities on the environment's shared ALB. The original picked a random free priority; ours is a
// pure function of the app, service and host names (hashed into the same range), probing past priorities in use, and
// reusing the priority of a rule that already routes the same host (so updates do not shuffle rules).
import { CloudliftError } from '../../../errors.js';
import type { ExistingListenerRule } from './facts.js';

/** The original's range, which leaves room for hand-made rules below 100 and above 49899. */
export const minRulePriority = 100;
/** The highest priority cloudlift assigns. */
export const maxRulePriority = 49899;

/** 32-bit FNV-1a of a string: small, stable across platforms and Node versions. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** What one rule needs to get its priority. */
export interface PriorityRequest {
  app: string;
  service: string;
  hostnames: readonly string[];
  /** The logical id the rule has in this stack. */
  logicalId: string;
  /** Rules on the listener now. */
  existing: readonly ExistingListenerRule[];
  /** Priorities already given to other rules of this template on the same listener. */
  taken: ReadonlySet<number>;
}

function reusable(request: PriorityRequest): number | undefined {
  const host = request.hostnames[0]?.toLowerCase();
  if (host === undefined) {
    return undefined;
  }
  const match = request.existing.find(
    (rule) =>
      rule.hosts.some((value) => value.toLowerCase() === host) &&
      rule.priority >= minRulePriority &&
      rule.priority <= maxRulePriority &&
      (rule.logicalId === undefined || rule.logicalId === request.logicalId) &&
      !request.taken.has(rule.priority),
  );
  return match?.priority;
}

/**
 * The priority of a host rule: the existing rule's for the same first host name when there is one, else the hash
 * slot of (app, service, host names) or the next free one after it. Rules of this same logical id do not count as
 * occupied (CloudFormation updates them in place).
 */
export function listenerRulePriority(request: PriorityRequest): number {
  const kept = reusable(request);
  if (kept !== undefined) {
    return kept;
  }
  const occupied = new Set(request.taken);
  for (const rule of request.existing) {
    if (rule.logicalId !== request.logicalId) {
      occupied.add(rule.priority);
    }
  }
  const size = maxRulePriority - minRulePriority + 1;
  const start =
    fnv1a(`${request.app}/${request.service}/${request.hostnames.join(',').toLowerCase()}`) % size;
  for (let step = 0; step < size; step += 1) {
    const candidate = minRulePriority + ((start + step) % size);
    if (!occupied.has(candidate)) {
      return candidate;
    }
  }
  throw new CloudliftError(
    'NoFreeListenerPriority',
    `Every listener rule priority from ${minRulePriority} to ${maxRulePriority} is in use on the environment's ALB`,
    { hint: 'Remove unused rules from the listener (or move services to alb_mode "dedicated"), then retry.' },
  );
}
