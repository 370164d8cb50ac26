// The org header and the org's unfinished applies: one banner each, naming its set, with
// Resume, Finish clean-up or the records left for the admin's decision.
import { alert, failure, h } from '../slds.js';
import { driveApply, progressView } from './plan.js';
import { KIND_LABELS, page, slot } from './state.js';

const orgBox = document.getElementById('org');

export function renderOrg(org) {
  const kind = org.isProduction ? 'production' : org.kind;
  const domain = org.myDomain ? org.myDomain.name + (org.myDomain.sandbox ? ` — sandbox ${org.myDomain.sandbox}` : '') : org.apiHost;
  orgBox.replaceChildren(
    h('span', { class: 'ff-org-name', 'data-ff': 'org-name' }, org.orgName),
    h('span', { class: 'ff-muted', 'data-ff': 'my-domain' }, domain),
    h('span', { class: `slds-badge ff-${kind}`, 'data-ff': 'org-kind' }, KIND_LABELS[kind] ?? kind));
}

/**
 * Lists the org's unfinished applies (one banner each, naming its set), then marks `container`
 * `data-ff-listed` so a reader (or a test) knows the list is complete, banners or none.
 */
export async function renderPending(container) {
  const reply = await page.core({ type: 'pendingApplies', orgUrl: page.orgUrl });
  if (reply.type !== 'applies') container.append(failure(reply, 'Unfinished applies could not be read: '));
  for (const apply of reply.applies ?? []) {
    const progress = slot('pending-progress');
    // Interrupted or paused: resume. Undo stopped: finish the clean-up. Records left for a
    // decision (or a journal that can't be read): shown with their choices.
    const resumable = apply.status === 'running' || apply.status === 'paused';
    const cleanup = apply.status === 'cleanupNeeded';
    const action = resumable
      ? h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'resume-apply' }, 'Resume')
      : cleanup ? h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'finish-cleanup' }, 'Finish clean-up') : null;
    const of = apply.setName ? ` of ${apply.setName}` : '';
    const intro = apply.raw !== undefined && apply.raw !== null ? 'An apply\'s journal can\'t be read. '
      : resumable ? `An apply${of} was interrupted: `
        : cleanup ? `An apply${of} failed and its undo did not finish: `
          : `An apply${of} left records for your decision: `;
    const banner = alert('warning', 'pending-apply',
      h('p', {}, intro, apply.raw ? '' : describeApply(apply)),
      action && apply.message ? h('p', {}, apply.message) : null,
      action ? null : progress,
      action ? h('div', { class: 'ff-actions' }, action) : null, action ? progress : null);
    if (!action) progress.replaceChildren(progressView(apply, progress));
    action?.addEventListener('click', async () => {
      action.disabled = true;
      const final = await driveApply({ type: resumable ? 'continueApply' : 'finishCleanUp', orgUrl: page.orgUrl, applyId: apply.applyId }, progress, apply.setName);
      if (final?.status === 'done' || final?.status === 'rolledBack' || final?.status === 'failed') {
        banner.classList.replace('slds-theme_warning', 'slds-theme_success');
        action.remove();
      } else action.disabled = false;
    });
    container.append(banner);
  }
  container.dataset.ffListed = 'true';
}

function describeApply(apply) {
  const done = apply.steps.filter((s) => s.state === 'done').length;
  return `${done} of ${apply.steps.length} steps done.`;
}
