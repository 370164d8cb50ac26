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

  function button(send, userId, ariaLabel) {
    const control = document.createElement('input');
    control.type = 'button';
    control.className = 'btn';
    control.value = LABEL;
    control.dataset.ff = 'generate';
    control.setAttribute('aria-label', ariaLabel);
    let opening = false;
    control.addEventListener('click', (event) => {
      // A page script's `.click()` or dispatched event is not trusted; a mouse click, Enter or
      // Space on the focused button is.
      if (!event.isTrusted || opening) return;
      opening = true;
      control.disabled = true;
      send({ type: 'openGenerator', userId })
        .catch((error) => console.debug('Forcefield: could not open the generator:', error))
        .finally(() => {
          opening = false;
          control.disabled = false;
        });
    });
    return control;
  }

  // "Default record types" beside it on an integration user's page: opens the record types page
  // (an extension page) for the user's profile; the write happens there, never from this script.
  function recordTypesButton(send, userId, name) {
    const control = document.createElement('input');
    control.type = 'button';
    control.className = 'btn';
    control.value = 'Default record types';
    control.dataset.ff = 'record-types';
    control.setAttribute('aria-label', `Default record types of ${name}'s profile`);
    control.style.marginLeft = '0.5em';
    control.addEventListener('click', (event) => {
      // Only the admin's own click or key press opens it, never a page script's `.click()`.
      if (!event.isTrusted || control.disabled) return;
      control.disabled = true;
      send({ type: 'openRecordTypes', userId })
        .catch((error) => console.debug('Forcefield: could not open the record types page:', error))
        .finally(() => { control.disabled = false; });
    });
    return control;
  }

  // "Access review" beside them on an integration user's page: opens the access review page (an
  // extension page, reads only) for this user.
  function accessReviewButton(send, userId, name) {
    const control = document.createElement('input');
    control.type = 'button';
    control.className = 'btn';
    control.value = 'Access review';
    control.dataset.ff = 'access-review';
    control.setAttribute('aria-label', `Access review of ${name}`);
    control.style.marginLeft = '0.5em';
    control.addEventListener('click', (event) => {
      // Only the admin's own click or key press opens it, never a page script's `.click()`.
      if (!event.isTrusted || control.disabled) return;
      control.disabled = true;
      send({ type: 'openAccessReview', userId })
        .catch((error) => console.debug('Forcefield: could not open the access review:', error))
        .finally(() => { control.disabled = false; });
    });
    return control;
  }

  // Permission set list (`/0PS`, sim README "Setup pages"): the button joins "New" in the header.
  function onPermissionSetList(send) {
    const cell = document.querySelector('.listRelatedObject .pbHeader td.pbButton');
    if (!cell) return;
    cell.append(' ', button(send, null, `${LABEL} for an integration`));
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
        const control = button(send, userId, `${LABEL} for ${name}`);
        control.style.marginLeft = '0.5em';
        (badgeNode?.isConnected ? badgeNode : title).after(control);
        const recordTypes = recordTypesButton(send, userId, name);
        control.after(recordTypes);
        recordTypes.after(accessReviewButton(send, userId, name));
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
