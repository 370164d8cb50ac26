// The generator's entry points on Classic Setup pages: a "Generate permission set" button in the
// permission set list's header, and beside an integration user's name on their detail page,
// with "Default record types" (the record types page for the user's profile) next to it.
// Loaded before content_script.js; does nothing until `forcefieldGenerateEntry.start()` runs.
// It decides nothing: which user is an integration user is the core's verdict, handed over by the
// badges (badges.js) through content_script.js in this isolated world's memory, never through
// the page's DOM. The buttons only ask the background to open the generator or the record types
// page, and only on the admin's own click or key press (README "Security").
globalThis.forcefieldGenerateEntry = (() => {
  'use strict';
  const USER_DETAIL = /^\/(005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)$/;
  const LABEL = 'Generate permission set';

  const { h } = globalThis.forcefieldDom;

  /**
   * A Classic Setup button (`input.btn`) that asks the background for `request` on the admin's own
   * click or key press only: a page script's `.click()` or dispatched event is not trusted; a mouse
   * click, Enter or Space on the focused button is. It stays disabled while the request runs.
   */
  function openButton(send, { role, label, ariaLabel, request, what }) {
    const control = h('input', { type: 'button', class: 'btn', value: label, 'data-ff': role, 'aria-label': ariaLabel });
    control.addEventListener('click', (event) => {
      if (!event.isTrusted || control.disabled) return;
      control.disabled = true;
      send(request)
        .catch((error) => console.debug(`Forcefield: could not open ${what}:`, error))
        .finally(() => { control.disabled = false; });
    });
    return control;
  }

  const generateButton = (send, userId, ariaLabel) => openButton(send, {
    role: 'generate', label: LABEL, ariaLabel, request: { type: 'openGenerator', userId }, what: 'the generator',
  });

  // "Default record types" beside it on an integration user's page: opens the record types page
  // (an extension page) for the user's profile; the write happens there, never from this script.
  const recordTypesButton = (send, userId, name) => openButton(send, {
    role: 'record-types', label: 'Default record types', ariaLabel: `Default record types of ${name}'s profile`,
    request: { type: 'openRecordTypes', userId }, what: 'the record types page',
  });

  // "Access review" beside them on an integration user's page: opens the access review page (an
  // extension page, reads only) for this user.
  const accessReviewButton = (send, userId, name) => openButton(send, {
    role: 'access-review', label: 'Access review', ariaLabel: `Access review of ${name}`,
    request: { type: 'openAccessReview', userId }, what: 'the access review',
  });

  // Permission set list (`/0PS`, sim README "Setup pages"): the button joins "New" in the header.
  function onPermissionSetList(send) {
    const cell = document.querySelector('.listRelatedObject .pbHeader td.pbButton');
    if (!cell) return;
    cell.append(' ', generateButton(send, null, `${LABEL} for an integration`));
  }

  // User detail (`/005…`, salesforce.md §H.Q1 1c): the button goes beside the user's name once the
  // core has classified this user as an integration user (`userClassified`, called by
  // content_script.js with the badge the core's reply drew).
  function onUserDetail(send, userId) {
    let placed = false;
    return {
      userClassified({ userId: classified, integration, badgeNode }) {
        if (placed || classified !== userId || integration !== true) return;
        const title = document.querySelector('.bPageTitle h2.pageDescription');
        if (!title) return;
        placed = true;
        const name = title.firstChild?.textContent?.trim() || title.textContent.trim();
        const buttons = h('span', { 'data-ff': 'user-actions' },
          generateButton(send, userId, `${LABEL} for ${name}`),
          recordTypesButton(send, userId, name),
          accessReviewButton(send, userId, name));
        (badgeNode?.isConnected ? badgeNode : title).after(buttons);
      },
    };
  }

  return {
    /**
     * Draws this page's entry point; returns what the badges tell about classified users (null on
     * pages without a user-bound button).
     */
    start(send) {
      const path = location.pathname;
      if (path === '/0PS') {
        onPermissionSetList(send);
        return null;
      }
      const user = USER_DETAIL.exec(path);
      return user ? onUserDetail(send, user[1]) : null;
    },
  };
})();
