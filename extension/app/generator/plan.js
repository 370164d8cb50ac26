// Preview, apply and export: the core's plan of the choices, the apply it drives call by call
// (one window per set at a time), its progress and what it left for a decision, and the Metadata
// API XML. Any change to the choices makes the previewed plan stale.
import { alert, checkbox, failure, h } from '../slds.js';
import { toSpec } from '../spec.js';
import { KIND_LABELS, fieldsOf, page, slot, state } from './state.js';

/** Plan findings about the permission set license (`FindingCode::is_license` in the core). */
const LICENSE_FINDINGS = new Set(['noIntegrationLicense', 'licenseExhausted', 'licenseCreateOnly']);
// Whether the plan shown is the one Apply would run (no choice changed since), and why not.
let planFresh = false;
let staleBecause = 'The choices changed since this preview: preview again before applying.';
let applying = false;

/** Any change to the choices makes the previewed plan stale: Apply waits for a new preview. */
export function changed() {
  planFresh = false;
  staleBecause = 'The choices changed since this preview: preview again before applying.';
  renderPlanState();
}

export const planSlot = slot('plan');
export const progressSlot = h('div', { 'data-ff': 'progress', 'aria-live': 'polite' });
export const applyButton = h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'apply', disabled: true }, 'Apply');
export const previewButton = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'preview' }, 'Preview plan');
export const exportButton = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'export-xml' }, 'Export Metadata API XML');
export const staleNote = h('p', { class: 'ff-muted', 'data-ff': 'plan-stale', 'aria-live': 'polite' });
let confirmProduction = null;
let currentPlan = null;
/** Another window holds the previewed set's lock: Apply waits. */
let lockedOut = false;

export async function currentSpec() {
  const fields = new Map();
  for (const sobject of state.objects.keys()) fields.set(sobject, await fieldsOf(sobject).catch(() => []));
  return toSpec(state, fields, page.context);
}

function renderPlanState() {
  const blocked = (currentPlan?.blockers?.length ?? 0) > 0 || currentPlan?.steps.length === 0;
  // The core decides which plans need the production confirmation (every plan that writes).
  const needsConfirmation = currentPlan?.requiresConfirmation;
  applyButton.disabled = applying || lockedOut || !planFresh || blocked || (needsConfirmation && !confirmProduction?.checked);
  staleNote.textContent = currentPlan && !planFresh && !applying ? staleBecause : '';
}

function planRequest(spec, type) {
  const request = { type, orgUrl: page.orgUrl, spec };
  if (state.assigneeId) request.assigneeId = state.assigneeId;
  if (state.targetPermissionSetId) request.targetPermissionSetId = state.targetPermissionSetId;
  return request;
}

export async function preview() {
  previewButton.disabled = true;
  planSlot.setAttribute('aria-busy', 'true');
  const reply = await page.core(planRequest(await currentSpec(), 'planPermissionSet'));
  previewButton.disabled = false;
  planSlot.setAttribute('aria-busy', 'false');
  if (reply.type !== 'plan') {
    currentPlan = null;
    planSlot.replaceChildren(failure(reply));
    return;
  }
  currentPlan = reply.plan;
  planFresh = true;
  planSlot.replaceChildren(planView(reply.plan));
  // From the preview to the end of its apply, this window holds the set's lock.
  lockedOut = !(await holdSetLock(reply.plan.permissionSet.name));
  if (lockedOut) planSlot.prepend(busy(reply.plan.permissionSet.name));
  const licenseWarning = document.querySelector('[data-ff="license-warning"]');
  // Findings carry a code; the page picks the license ones by code, never by their words.
  licenseWarning?.replaceChildren(...reply.plan.warnings.filter((w) => LICENSE_FINDINGS.has(w.code)).map((w) => alert('warning', 'license-problem', w.message)),
    ...reply.plan.blockers.filter((b) => LICENSE_FINDINGS.has(b.code)).map((b) => alert('error', 'license-problem', b.message)));
  renderPlanState();
}

function planView(plan) {
  const org = page.context.org;
  const kind = org.isProduction ? 'production' : org.kind;
  const nodes = [
    h('p', { 'data-ff': 'plan-org' }, 'On ', h('strong', {}, org.orgName), ` (${org.myDomain?.name ?? org.apiHost}, ${KIND_LABELS[kind] ?? kind})`),
    h('ol', { class: 'ff-steps', 'data-ff': 'plan-steps', 'data-permission-set': plan.permissionSet.action },
      plan.steps.map((step) => h('li', { 'data-ff': 'plan-step', 'data-kind': step.kind, 'data-action': step.action, 'data-count': step.count }, step.description))),
    h('p', { 'data-ff': 'plan-api-calls' }, `${plan.apiCalls.reads + plan.apiCalls.writes} API calls (${plan.apiCalls.reads} reads, ${plan.apiCalls.writes} writes).`),
    ...plan.warnings.map((w) => alert('warning', 'plan-warning', w.message)),
    ...plan.blockers.filter((b) => b.code !== 'licenseCreateOnly').map((b) => alert('error', 'plan-blocker', b.message)),
  ];
  if (plan.excludedFields?.length) {
    nodes.push(h('details', { class: 'ff-details', 'data-ff': 'plan-excluded' },
      h('summary', {}, `${plan.excludedFields.length} chosen fields are left out`),
      h('ul', {}, plan.excludedFields.map((f) => h('li', {}, h('code', {}, f.field), ` — ${f.reason}`)))));
  }
  if (plan.licenseChange) {
    // LicenseId is create-only (salesforce.md §C.1): offer a new set beside the old one, with a name and
    // a label of its own (both must be unique, salesforce.md §C.1 DUPLICATE_MASTER_LABEL).
    const fresh = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'new-permission-set-instead' }, 'Create a new permission set instead');
    fresh.addEventListener('click', async () => {
      state.targetPermissionSetId = null;
      state.apiName = `${state.apiName.slice(0, 78)}_2`;
      state.apiNameEdited = true;
      state.label = `${state.label.slice(0, 76)} (2)`;
      page.rerender();
      await preview();
    });
    nodes.push(alert('warning', 'license-change', `License ${plan.licenseChange.from} → ${plan.licenseChange.to}: ${plan.licenseChange.message} `, fresh));
  }
  confirmProduction = null;
  if (plan.steps.length === 0) {
    nodes.push(alert('success', 'plan-nothing', 'The org already matches these choices: nothing to apply.'));
  }
  if (plan.requiresConfirmation) {
    const box = checkbox(`I am applying this to the production org ${org.orgName}.`, { 'data-ff': 'confirm-production' });
    confirmProduction = box.querySelector('input');
    confirmProduction.addEventListener('change', renderPlanState);
    nodes.push(h('div', { class: 'ff-confirm' }, box));
  }
  return h('div', { 'data-ff': 'plan-preview' }, nodes);
}

/**
 * One apply per org and permission set in this browser profile: a Web Lock named after the org
 * and the set's API name, held from the preview to the end of the apply. Web Locks are shared by
 * every page and worker of the extension's origin, so a second generator window previewing or
 * resuming the same set is told another window has it, and never sends the same writes.
 */
const setLock = { name: null, release: null };

function lockName(setName) {
  return `forcefield-apply:${page.context.org.orgId}:${String(setName).toLowerCase()}`;
}

/** Holds the lock of `setName` (letting go of any other); false when another window has it. */
async function holdSetLock(setName) {
  const name = lockName(setName);
  if (setLock.name === name) return true;
  releaseSetLock();
  return new Promise((resolve) => {
    navigator.locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(false);
        return undefined;
      }
      return new Promise((release) => {
        setLock.name = name;
        setLock.release = release;
        resolve(true);
      });
    });
  });
}

function releaseSetLock() {
  setLock.release?.();
  setLock.name = null;
  setLock.release = null;
}

function busy(setName) {
  return alert('warning', 'apply-busy',
    `Another Forcefield window is working on ${setName}. Follow it there; once that window is closed, you can continue here.`);
}

/** Whether an apply has ended (the org is as planned, as before, or its records are listed). */
const SETTLED = new Set(['done', 'failed', 'rolledBack', 'needsAttention']);

/**
 * Sends `request` (startApply, continueApply, finishCleanUp, resolveAttention), then
 * `continueApply` while the apply runs, drawing its progress in `into`, under the set's lock.
 * Answers the final progress, `{ changedPlan }` when the org changed since the preview (nothing
 * was written), or null.
 */
export async function driveApply(request, into, setName) {
  if (!(await holdSetLock(setName))) {
    into.replaceChildren(busy(setName));
    return null;
  }
  let reply = await page.core(request);
  for (;;) {
    if (reply?.type === 'plan') return { changedPlan: reply.plan };
    const apply = showApply(reply, into);
    if (apply?.status !== 'running') {
      if (!apply || SETTLED.has(apply.status)) releaseSetLock();
      return apply;
    }
    reply = await page.core({ type: 'continueApply', orgUrl: page.orgUrl, applyId: apply.applyId });
  }
}

/** Draws an apply's progress; null when the reply is not progress. */
function showApply(reply, into) {
  if (reply?.type !== 'applyProgress') {
    into.replaceChildren(failure(reply, 'The apply could not continue: '));
    return null;
  }
  into.replaceChildren(progressView(reply.apply, into));
  return reply.apply;
}

const STATUS_TEXT = {
  running: 'Applying…',
  paused: 'Paused: nothing more was written.',
  done: 'Done: the org holds what the preview showed.',
  failed: 'Failed. Nothing was written: the org is as it was before.',
  rolledBack: 'Failed; every change was undone: the org is as it was before.',
  cleanupNeeded: 'Failed, and the undo could not finish yet. These records remain:',
  needsAttention: 'Forcefield undid what it could; the records below need your decision.',
};
const ACTION_TEXT = { delete: 'Delete it', restore: 'Put back the value from before', recreate: 'Create it again', keep: 'Leave it as it is' };
const STATE_TEXT = { pending: 'Waiting', running: 'Running', done: 'Done', failed: 'Failed', undone: 'Undone' };

export function progressView(apply, into) {
  const nodes = [h('p', { 'data-ff': 'apply-status', 'data-status': apply.status, class: `ff-status ff-status-${apply.status}` }, STATUS_TEXT[apply.status] ?? apply.status)];
  if (apply.message) nodes.push(alert(apply.status === 'done' ? 'success' : 'error', 'apply-message', apply.message));
  nodes.push(h('ol', { class: 'ff-steps' }, apply.steps.map((step) => h('li', { 'data-ff': 'progress-step', 'data-state': step.state, 'data-step': step.id },
    h('span', { class: 'ff-step-state' }, STATE_TEXT[step.state] ?? step.state), ' ', step.description,
    step.total ? h('span', { class: 'ff-muted', 'data-ff': 'progress-count' }, ` ${step.done} of ${step.total}`) : null,
    step.error ? alert('error', 'step-error', `${step.error.errorCode}: ${step.error.message}`, step.error.fields?.length ? ` (${step.error.fields.join(', ')})` : '') : null))));
  if (apply.remaining?.length) {
    nodes.push(h('ul', { 'data-ff': 'remaining' }, apply.remaining.map((r) => h('li', {},
      `${r.sobjectType} `, h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer' }, r.id)))));
  }
  if (apply.attention?.length) nodes.push(attentionView(apply, into));
  if (apply.raw !== undefined && apply.raw !== null) {
    nodes.push(h('details', { class: 'ff-details', 'data-ff': 'journal-raw', open: true },
      h('summary', {}, 'The journal as stored'), h('pre', { class: 'ff-raw' }, apply.raw)));
  }
  if (apply.status === 'cleanupNeeded') {
    const cleanUp = h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'finish-cleanup' }, 'Finish clean-up');
    cleanUp.addEventListener('click', () => { cleanUp.disabled = true; driveApply({ type: 'finishCleanUp', orgUrl: page.orgUrl, applyId: apply.applyId }, into, apply.setName); });
    nodes.push(cleanUp);
  }
  if (apply.status === 'paused') {
    const resume = h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'resume-apply' }, 'Resume');
    resume.addEventListener('click', () => { resume.disabled = true; driveApply({ type: 'continueApply', orgUrl: page.orgUrl, applyId: apply.applyId }, into, apply.setName); });
    nodes.push(resume);
  }
  if (apply.status === 'done' && apply.permissionSetId) {
    const setup = new URL(page.orgUrl);
    nodes.push(h('p', {}, h('a', { 'data-ff': 'open-permission-set', target: '_blank', rel: 'noopener noreferrer',
      href: `${setup.origin}/lightning/setup/PermSets/page?address=${encodeURIComponent(`/${apply.permissionSetId}`)}` }, 'Open the permission set in Setup')));
  }
  return h('div', {}, nodes);
}

/**
 * The records an apply left untouched, each with what Forcefield found and one button per
 * choice; a choice other than "leave it" undoes that record through the journal.
 */
function attentionView(apply, into) {
  return h('ul', { 'data-ff': 'attention' }, apply.attention.map((item) => {
    const buttons = item.chosen ? [h('span', { class: 'ff-muted', 'data-ff': 'attention-chosen' }, `Decided: ${ACTION_TEXT[item.chosen] ?? item.chosen}`)]
      : item.actions.map((action) => {
        const button = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': `attention-${action}` }, ACTION_TEXT[action] ?? action);
        button.addEventListener('click', () => {
          button.disabled = true;
          driveApply({ type: 'resolveAttention', orgUrl: page.orgUrl, applyId: apply.applyId, item: item.item, action }, into, apply.setName || apply.applyId);
        });
        return button;
      });
    return h('li', { 'data-ff': 'attention-item', 'data-reason': item.reason },
      item.sobjectType ? `${item.sobjectType} ` : '',
      item.url ? h('a', { href: item.url, target: '_blank', rel: 'noopener noreferrer' }, item.id) : (item.id ?? ''),
      h('p', {}, item.evidence),
      apply.namedIds?.length ? h('ul', { 'data-ff': 'named-ids' }, apply.namedIds.map((id) => h('li', {},
        h('a', { href: `${new URL(page.orgUrl).origin}/${id}`, target: '_blank', rel: 'noopener noreferrer' }, id)))) : null,
      h('div', { class: 'ff-actions' }, buttons));
  }));
}

export async function apply() {
  applying = true;
  renderPlanState();
  // The apply writes exactly this preview (its fingerprint), under an Id no other window can take.
  const request = { ...planRequest(await currentSpec(), 'startApply'), confirmedProduction: Boolean(confirmProduction?.checked),
    fingerprint: currentPlan?.fingerprint, applyId: crypto.randomUUID() };
  const startedAt = performance.now();
  const final = await driveApply(request, progressSlot, currentPlan?.permissionSet.name);
  performance.measure('forcefield:generator-apply', { start: startedAt, end: performance.now() });
  applying = false;
  if (final?.changedPlan) {
    // Nothing was written: the admin sees what applying would do now, and applies again.
    currentPlan = final.changedPlan;
    planFresh = true;
    progressSlot.replaceChildren();
    planSlot.replaceChildren(alert('warning', 'plan-changed',
      'The org changed since your preview, so nothing was written. This is the preview now: check it, then apply again.'), planView(currentPlan));
  } else if (final) {
    // Whatever the outcome, the org changed: another apply needs a fresh plan.
    planFresh = false;
    staleBecause = 'The org changed: preview again before applying more.';
  }
  renderPlanState();
}

export async function exportXml() {
  const reply = await page.core({ type: 'exportXml', spec: await currentSpec() });
  if (reply.type !== 'xml') return planSlot.replaceChildren(failure(reply));
  const url = URL.createObjectURL(new Blob([reply.xml], { type: 'application/xml' }));
  const link = h('a', { href: url, download: reply.fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
