// Runs in the page's own JavaScript world (content script with "world": "MAIN"), only to read
// Salesforce's `window.ProfileDependentCheckboxes` dependency data (salesforce.md §D.3), which the
// isolated content script cannot see. It hands over plain JSON through a DOM event and does
// nothing else; the page could forge that event, so the receiver treats it as untrusted data.
(() => {
  'use strict';
  const REQUEST = 'forcefield:request-dependencies';
  const ANSWER = 'forcefield:dependencies';

  function publish() {
    const page = window.ProfileDependentCheckboxes;
    if (!page || typeof page !== 'object') return;
    let detail;
    try {
      detail = JSON.stringify({ dependents: page.dependents ?? {}, antecedents: page.antecedents ?? {} });
    } catch {
      return; // Not plain data: leave the built-in rules in charge.
    }
    document.dispatchEvent(new CustomEvent(ANSWER, { detail }));
  }

  if (!document.body?.classList.contains('sfdcBody')) return;
  document.addEventListener(REQUEST, publish);
  publish();
})();
