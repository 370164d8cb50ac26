// "Can this set be assigned?" on the generator page, before anything is written: the core checks
// the set being generated against the licences of the user it is for (or of an integration user
// holding the Salesforce API Integration licence), and says for each offered system permission
// what that licence's `MaximumPermissions*` field says where the org exposes it (src/access/).
// This module only draws the core's answer: the verdict in its card, a note on each system
// permission the page lists.

/**
 * `core` asks the core; `h`, `alert` and `card` are the page's DOM helpers; `spec()` is the
 * current spec; `assigneeId()` the user it is for, if any.
 */
export function assignmentCheck({ core, orgUrl, h, alert, card, spec, assigneeId }) {
  const slot = h('div', { 'data-ff': 'assignment-verdict', 'aria-live': 'polite' });
  const limits = new Map();
  let asked = 0;

  /** Notes the licence's word on each listed system permission (after every re-render). */
  function annotate() {
    for (const [name, limit] of limits) {
      const row = document.querySelector(`[data-ff="system-permission"][data-name="${CSS.escape(name)}"]`);
      if (!row) continue;
      row.querySelector('[data-ff="licence-limit"]')?.remove();
      if (limit.allowed === undefined || limit.allowed === null) continue;
      row.lastElementChild?.append(h('p', { class: limit.allowed ? 'ff-muted' : 'ff-error', 'data-ff': 'licence-limit', 'data-allowed': String(limit.allowed) }, limit.note));
    }
  }

  async function check() {
    const ticket = ++asked;
    const request = { type: 'checkSpecAssignment', orgUrl, spec: await spec() };
    if (assigneeId()) request.assigneeId = assigneeId();
    const reply = await core(request);
    if (ticket !== asked) return;
    if (reply.type !== 'specAssignment') {
      slot.replaceChildren(alert('error', 'assignment-error', reply.message ?? 'The set could not be checked.'));
      return;
    }
    limits.clear();
    for (const limit of reply.systemPermissions) limits.set(limit.name, limit);
    annotate();
    const verdict = reply.verdict;
    const blocked = verdict.state === 'blocked';
    slot.replaceChildren(
      h('p', { 'data-ff': 'assignment-state', 'data-state': verdict.state },
        h('strong', {}, blocked ? 'Blocked: ' : 'Salesforce decides at assignment: '),
        blocked ? `assigning this set to ${reply.checkedFor} is known to fail.` : `nothing Forcefield can check blocks assigning it to ${reply.checkedFor}.`),
      blocked
        ? h('ul', {}, verdict.blockers.map((b) => h('li', { 'data-ff': 'assignment-blocker', 'data-kind': b.kind }, b.message)))
        : h('ul', { class: 'ff-muted' }, verdict.unchecked.map((u) => h('li', {}, u))));
    slot.dataset.ffChecked = String(ticket);
  }

  return {
    card: card('Can this set be assigned?', 'assignment-check',
      h('p', { class: 'ff-muted' }, 'Checked before anything is written, from the licences and what the set grants; Preview checks again.'),
      slot),
    annotate,
    check,
  };
}
