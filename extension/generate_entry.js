// The generator's entry points on Classic Setup pages: a "Generate permission set" button in the
// permission set list's header, and beside an integration user's name on their detail page,
// with "Default record types" (the record types page for the user's profile) next to it.
// Loaded before content_script.js; does nothing until `forcefieldGenerateEntry.start()` runs.
// It decides nothing: which user is an integration user is the core's verdict, drawn by the
// badges (badges.js); the button only asks the background to open the generator.
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
    control.addEventListener('click', () => {
      control.disabled = true;
      send({ type: 'openGenerator', userId })
        .catch((error) => console.debug('Forcefield: could not open the generator:', error))
        .finally(() => { control.disabled = false; });
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

  // Permission set list (`/0PS`, sim README "Setup pages"): the button joins "New" in the header.
  function onPermissionSetList(send) {
    const cell = document.querySelector('.listRelatedObject .pbHeader td.pbButton');
    if (!cell || cell.querySelector('[data-ff="generate"]')) return;
    cell.append(' ', button(send, null, `${LABEL} for an integration`));
  }

  // User detail (`/005…`, salesforce.md §H.Q1 1c): the button goes beside the user's name once the
  // badges (badges.js) have drawn this user as an integration user: they mark the badge
  // `data-ff-integration="true"` and announce `forcefield:user-classified`.
  function onUserDetail(send, userId) {
    const title = document.querySelector('.bPageTitle h2.pageDescription');
    if (!title) return;
    const badge = `[data-ff="badge"][data-ff-user="${CSS.escape(userId)}"][data-ff-integration="true"]`;
    const place = () => {
      if (title.parentElement.querySelector('[data-ff="generate"]')) return;
      const name = title.firstChild?.textContent?.trim() || title.textContent.trim();
      const control = button(send, userId, `${LABEL} for ${name}`);
      control.style.marginLeft = '0.5em';
      (title.parentElement.querySelector(badge) ?? title).after(control);
      control.after(recordTypesButton(send, userId, name));
    };
    if (document.querySelector(badge)) return place();
    const onClassified = (event) => {
      if (event.detail?.userId !== userId || event.detail?.integration !== true) return;
      document.removeEventListener('forcefield:user-classified', onClassified);
      place();
    };
    document.addEventListener('forcefield:user-classified', onClassified);
  }

  return {
    start(send) {
      const path = location.pathname;
      if (path === '/0PS') return onPermissionSetList(send);
      const user = USER_DETAIL.exec(path);
      if (user) return onUserDetail(send, user[1]);
    },
  };
})();
