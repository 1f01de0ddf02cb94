/**
 * The request book of one account: pure state transitions of requests (received, approved,
 * rejected, finalized, done, failed) and their public views. Rules:
 * - the requester's own request counts as its approval; a signing request needs t approvals,
 *   a refresh all n;
 * - once finalized, approvals of parties outside the chosen participants are "late" (recorded
 *   as not needed), as are approvals arriving afterwards;
 * - a request is rejected once so many members rejected that the approvals needed cannot
 *   come any more;
 * - the participants of a signing are the requester plus the first t−1 approvers (the
 *   finalizer takes its own place when it is not among them; approvers that are offline or
 *   were blamed for a failed attempt come last).
 * @module
 */
import { hexToBytes } from '@tessera/crypto/bytes';
import type { Decision, PartyIndex, RequestView } from './api.ts';
import { previewMessage } from './preview.ts';
import type { AccountRecord, RequestRecord } from './records.ts';

/** Approvals a request needs. */
export function needed(a: AccountRecord, r: Pick<RequestRecord, 'kind'>): number {
  return r.kind === 'refresh' ? a.parties : a.threshold;
}

/** Whether `party` has approved (before or after finalize). */
export function hasApproved(r: RequestRecord, party: number): boolean {
  return r.approvals.some((d) => d.party === party) || r.lateApprovals.some((d) => d.party === party);
}

/** Whether the request left the approval phase. */
export function finalized(r: RequestRecord): boolean {
  return r.signers !== undefined;
}

/** Recomputes `pending` / `ready` / `rejected` before finalize. */
export function settle(a: AccountRecord, r: RequestRecord): void {
  if (finalized(r) || r.status === 'done' || r.status === 'failed') return;
  const need = needed(a, r);
  if (r.approvals.length >= need) r.status = 'ready';
  else if (a.parties - r.rejections.length < need) r.status = 'rejected';
  else r.status = 'pending';
}

/** Records an approval. @returns `approved`, `late`, or `ignored` (already decided). */
export function applyApproval(a: AccountRecord, r: RequestRecord, d: Decision): 'approved' | 'late' | 'ignored' {
  if (hasApproved(r, d.party) || r.rejections.some((x) => x.party === d.party) || d.party === r.requester) return 'ignored';
  if (finalized(r)) {
    if (r.signers!.includes(d.party)) {
      r.approvals.push(d);
      return 'approved';
    }
    r.lateApprovals.push(d);
    return 'late';
  }
  if (r.status === 'rejected') {
    r.lateApprovals.push(d);
    return 'late';
  }
  r.approvals.push(d);
  settle(a, r);
  return 'approved';
}

/** Records a rejection. @returns false if ignored (already decided). */
export function applyRejection(a: AccountRecord, r: RequestRecord, d: Decision): boolean {
  if (hasApproved(r, d.party) || r.rejections.some((x) => x.party === d.party) || d.party === r.requester) return false;
  r.rejections.push(d);
  settle(a, r);
  return true;
}

/**
 * Marks the request finalized with `signers`: approvals of the participants count, those of
 * others become late (a request finalized again after a failure re-sorts every approval).
 */
export function applyFinalize(r: RequestRecord, signers: readonly number[], session: string, invitation: string, self: number): void {
  r.signers = [...signers];
  r.session = session;
  r.invitation = invitation;
  r.participating = signers.includes(self);
  const all = [...r.approvals, ...r.lateApprovals].sort((x, y) => x.at - y.at || x.party - y.party);
  r.approvals = all.filter((d) => signers.includes(d.party));
  r.lateApprovals = all.filter((d) => !signers.includes(d.party));
  r.status = 'running';
  delete r.error;
  delete r.signature;
  delete r.verified;
}

/**
 * The participants the finalizer picks: everyone for a refresh; for a signing, the requester,
 * the finalizer, then the earliest other approvers up to t — those in `avoid` (offline now, or
 * blamed for a failed attempt) only when no one else is left.
 */
export function chooseSigners(a: AccountRecord, r: RequestRecord, finalizer: number, avoid: ReadonlySet<number> = new Set()): number[] {
  if (r.kind === 'refresh') return a.members.map((m) => m.index);
  const order = [...r.approvals]
    .sort((x, y) => Number(avoid.has(x.party)) - Number(avoid.has(y.party)) || x.at - y.at || x.party - y.party)
    .map((d) => d.party);
  const picked = [r.requester];
  if (finalizer !== r.requester) picked.push(finalizer);
  for (const p of order) if (picked.length < a.threshold && !picked.includes(p)) picked.push(p);
  return picked.sort((x, y) => x - y);
}

/** The public view of a request for the wallet at `self`. */
export function viewOf(a: AccountRecord, r: RequestRecord, self: number): RequestView {
  const mine = r.requester === self ? 'approved' : r.mine;
  const canFinalize = r.status === 'ready' && (r.requester === self || hasApproved(r, self));
  return {
    id: r.id,
    accountId: r.accountId,
    kind: r.kind,
    requester: r.requester as PartyIndex,
    note: r.note,
    createdAt: r.createdAt,
    ...(r.message !== null ? { message: previewMessage(hexToBytes(r.message), a.suite, a.scheme, r.hash ?? 'sha256') } : {}),
    approvals: r.approvals.map((d) => ({ ...d })),
    rejections: r.rejections.map((d) => ({ ...d })),
    lateApprovals: r.lateApprovals.map((d) => ({ ...d })),
    needed: needed(a, r),
    status: r.status,
    ...(mine ? { mine } : {}),
    canFinalize,
    ...(r.signers ? { signers: [...r.signers] } : {}),
    ...(r.participating !== undefined ? { participating: r.participating } : {}),
    ...(r.signature !== undefined ? { signature: r.signature } : {}),
    ...(r.verified !== undefined ? { verified: r.verified } : {}),
    ...(r.epoch !== undefined ? { epoch: r.epoch } : {}),
    ...(r.error ? { error: { ...r.error } } : {}),
  };
}
