// Integration-user badges, the DOM half (content script). It collects the user Ids the page's
// user lists and the user detail page link to, asks the core once, and draws what the core
// decided (src/users/): a badge beside each marked user's name, a health panel on the detail
// page (with the access review and which permission sets can be assigned, src/access/), a small
// menu for the admin's icon and the access review. Everything is built with DOM APIs; org data is text.
// Loaded before content_script.js; does nothing until `forcefieldBadges.start()` runs.
//
// Trust (README "Security"): the page's scripts share this DOM. Nothing they can forge decides
// anything here: every action needs the admin's own input (`event.isTrusted`); which nodes are
// Forcefield's, which user a badge is for and whether it is an integration user are kept in this
// isolated world's memory, never read back from attributes the page could write; the picture
// input never enters the page's DOM.
globalThis.forcefieldBadges = (() => {
  'use strict';
  // A user record's path: `/005…` with a 15- or 18-character Id (salesforce.md §H.Q1 1b). Links are read
  // by their path only, so `/005…/e` (Edit), `suorgadminid=005…` (Login) and `retURL=/005…`
  // don't count; Lightning-wrapped links carry the Classic path in `address` (salesforce.md §H.Q1 1b,
  // `…%2F005xxxxxxxxxxxx%3F…`).
  const USER_PATH = /^\/(005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)$/;
  const EMOJI = ['🤖', '🔌', '🔄', '📊', '📦', '☁️', '🛠️', '🧾'];
  const ICON_EDGE = 32; // stored picture size; drawn at 16 CSS px
  const PHOTO_EDGE = 256;
  const KIND_LABEL = { integrationLicense: 'Integration', apiOnly: 'API only', integrationPsl: 'API Integration PSL' };

  // What this script drew is known by the shared builder's memory, not by `data-ff` attributes
  // the page could copy onto its own nodes (dom.js). Styles: content.css, keyed on `data-ff`.
  const { h, isOurs } = globalThis.forcefieldDom;

  function userIdOf(link) {
    const href = link.getAttribute('href');
    if (!href || /^\s*javascript:/i.test(href)) return null;
    try {
      const url = new URL(href, location.href);
      const direct = USER_PATH.exec(url.pathname)?.[1];
      if (direct) return direct;
      const wrapped = url.searchParams.get('address');
      return wrapped ? USER_PATH.exec(new URL(wrapped, location.href).pathname)?.[1] ?? null : null;
    } catch {
      return null;
    }
  }

  /** The name link of each user row of every Classic list table (salesforce.md §H.Q1 1a, 1b). */
  function userLinksInLists() {
    const found = [];
    for (const table of document.querySelectorAll('table.list')) {
      if (isOurs(table)) continue;
      for (const row of table.rows) {
        if (row.classList.contains('headerRow')) continue;
        // The name cell is the row's `th` (salesforce.md §H.Q8); fall back to any cell but the action one.
        const candidates = [...row.querySelectorAll(':scope > th a[href]'), ...row.querySelectorAll(':scope > td:not(.actionColumn) a[href]')];
        for (const link of candidates) {
          const id = userIdOf(link);
          if (id) {
            found.push({ link, id, anchor: link });
            break;
          }
        }
      }
    }
    return found;
  }

  /** The user of a user detail page: `h1.pageType` + `/005…` path (salesforce.md §D.5, §H.Q1 1c). */
  function detailUser() {
    if (!document.body.classList.contains('detailPage')) return null;
    const match = USER_PATH.exec(location.pathname);
    const heading = document.querySelector('.bPageTitle h2.pageDescription');
    if (!match || !heading || !document.querySelector('.bPageTitle h1.pageType')) return null;
    return { id: match[1], anchor: heading };
  }

  function base64ToBytes(text) {
    const binary = atob(text);
    const bytes = new Uint8ClampedArray(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function bytesToBase64(bytes) {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }

  /** An icon as a node: emoji text, or pixels painted on a canvas (no URL load, so no CSP). */
  function iconNode(icon) {
    if (icon?.kind === 'emoji') {
      const span = h('span', { 'data-ff': 'badge-icon', 'aria-hidden': 'true' });
      span.textContent = icon.emoji;
      return span;
    }
    if (icon?.kind === 'image') {
      const canvas = h('canvas', { 'data-ff': 'badge-icon', 'aria-hidden': 'true', width: icon.width, height: icon.height });
      try {
        canvas.getContext('2d').putImageData(new ImageData(base64ToBytes(icon.rgba), icon.width, icon.height), 0, 0);
      } catch {
        return h('span');
      }
      return canvas;
    }
    return null;
  }

  /** The icon as a square PNG (base64) for "Use as profile photo". */
  function iconPng(icon) {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = PHOTO_EDGE;
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, PHOTO_EDGE, PHOTO_EDGE);
    if (icon.kind === 'emoji') {
      context.font = `${PHOTO_EDGE * 0.7}px sans-serif`;
      context.textAlign = 'center';
      context.textBaseline = 'middle';
      context.fillText(icon.emoji, PHOTO_EDGE / 2, PHOTO_EDGE / 2);
    } else {
      const small = document.createElement('canvas');
      small.width = icon.width;
      small.height = icon.height;
      small.getContext('2d').putImageData(new ImageData(base64ToBytes(icon.rgba), icon.width, icon.height), 0, 0);
      context.imageSmoothingEnabled = false;
      context.drawImage(small, 0, 0, PHOTO_EDGE, PHOTO_EDGE);
    }
    return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
  }

  /** A picked picture, cropped to a square and shrunk to ICON_EDGE, as stored pixels. */
  async function pictureIcon(file) {
    const bitmap = await createImageBitmap(file);
    const side = Math.min(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = ICON_EDGE;
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, ICON_EDGE, ICON_EDGE);
    bitmap.close?.();
    const pixels = context.getImageData(0, 0, ICON_EDGE, ICON_EDGE).data;
    return { kind: 'image', width: ICON_EDGE, height: ICON_EDGE, rgba: bytesToBase64(pixels) };
  }

  function tooltipOf(badge) {
    const lines = [...badge.reasons];
    if (badge.warnings.length) lines.push('', 'Setup warnings:', ...badge.warnings.map((w) => `• ${w.message}`));
    return lines.join('\n');
  }

  class PageBadges {
    constructor(ask, listeners) {
      this.ask = ask;
      this.listeners = listeners;
      this.known = new Map(); // user Id → badge, or null when the core found the user unmarked
      this.drawnAfter = new WeakMap(); // anchor → the badge node drawn after it
      this.nodesOf = new Map(); // user Id → the badge nodes drawn for that user
      this.asking = null;
      this.failed = false;
      this.openMenu = null;
      this.healthShown = false;
      this.problemShown = false;
    }

    /** Badges every user link on the page that has none yet; asks the core only about new Ids. */
    async refresh() {
      if (this.failed) return;
      if (this.asking) {
        this.again = true;
        return this.asking;
      }
      this.asking = (async () => {
        try {
          do {
            this.again = false;
            const targets = userLinksInLists();
            const detail = detailUser();
            if (detail) targets.push({ ...detail, detail: true });
            const unknown = [...new Set(targets.map((t) => t.id).filter((id) => !this.known.has(id)))];
            if (unknown.length) {
              const askedAt = performance.now();
              const reply = await this.ask({ type: 'badgeUsers', userIds: unknown });
              performance.measure('forcefield:badges-ask', { start: askedAt, end: performance.now() });
              if (reply?.type !== 'userBadges') return;
              if (reply.error) {
                this.failed = true;
                this.showProblem(reply.error.message);
                return;
              }
              for (const id of unknown) this.known.set(id, null);
              for (const badge of reply.badges) this.known.set(badge.userId, badge);
            }
            const drawAt = performance.now();
            for (const target of targets) this.draw(target);
            performance.measure('forcefield:badges', { start: drawAt, end: performance.now() });
          } while (this.again);
        } finally {
          this.asking = null;
        }
      })();
      return this.asking;
    }

    draw({ id, anchor, detail }) {
      const badge = this.known.get(id);
      if (!badge) return;
      const drawn = this.drawnAfter.get(anchor);
      if (drawn?.isConnected && anchor.nextElementSibling === drawn) return;
      const node = this.badgeNode(badge);
      anchor.after(node);
      this.drawnAfter.set(anchor, node);
      if (detail) {
        this.healthPanel(badge);
        // The core's verdict, straight from its reply to the generator's entry point (through
        // content_script.js): an in-memory call the page can't observe or fake.
        this.listeners?.userClassified?.({ userId: id, integration: badge.integration === true, badgeNode: node });
      }
    }

    /** Keeps `node` as one of the badges drawn for `userId`, dropping those the page removed. */
    remember(userId, node) {
      const nodes = (this.nodesOf.get(userId) ?? []).filter((n) => n.isConnected);
      nodes.push(node);
      this.nodesOf.set(userId, nodes);
    }

    badgeNode(badge) {
      const warned = badge.warnings.length > 0;
      const label = badge.kinds.map((kind) => KIND_LABEL[kind] ?? kind)[0] ?? '';
      const node = h('span', {
        'data-ff': 'badge',
        'data-ff-user': badge.userId,
        'data-ff-kinds': badge.kinds.join(' '),
        'data-ff-warnings': String(badge.warnings.length),
        title: tooltipOf(badge),
        'aria-label': `${badge.kinds.map((k) => KIND_LABEL[k] ?? k).join(', ')} user. ${badge.reasons.join(' ')}${
          warned ? ` ${badge.warnings.length} setup warning${badge.warnings.length === 1 ? '' : 's'}: ${badge.warnings.map((w) => w.message).join(' ')}` : ''}`,
      });
      if (badge.integration) {
        node.dataset.ffIntegration = 'true';
        node.setAttribute('role', 'button');
        node.setAttribute('tabindex', '0');
        node.setAttribute('aria-haspopup', 'menu');
        node.setAttribute('aria-expanded', 'false');
      }
      const icon = iconNode(badge.icon);
      if (icon) node.append(icon);
      node.append(h('span', { 'data-ff': 'badge-label' }, label));
      if (warned) {
        const count = h('span', { 'data-ff': 'badge-warnings', 'aria-hidden': 'true' }, `⚠ ${badge.warnings.length}`);
        node.append(count);
      }
      if (badge.integration) {
        // The menu opens only for the admin's own click or key press, never for one the page's
        // scripts fake (`.click()`, `dispatchEvent`).
        node.addEventListener('click', (event) => {
          event.preventDefault();
          event.stopPropagation();
          if (event.isTrusted) this.toggleMenu(node, badge);
        });
        node.addEventListener('keydown', (event) => {
          if (!event.isTrusted) return;
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            this.toggleMenu(node, badge);
          } else if (event.key === 'Escape') {
            this.closeMenu();
          }
        });
      }
      this.remember(badge.userId, node);
      return node;
    }

    healthPanel(badge) {
      if (!badge.integration || this.healthShown) return;
      const title = document.querySelector('.bPageTitle');
      if (!title) return;
      this.healthShown = true;
      const list = h('ul', { 'data-ff': 'health-warnings' });
      for (const warning of badge.warnings) list.append(h('li', { 'data-ff-warning': warning.code }, warning.message));
      const panel = h('div', { 'data-ff': 'health', 'data-ff-state': badge.warnings.length ? 'attention' : 'ok', role: 'region', 'aria-label': 'Integration user setup health' },
        h('strong', {}, badge.warnings.length ? 'Integration user setup: needs attention' : 'Integration user setup: no problems found'));
      if (badge.warnings.length) panel.append(list);
      panel.append(this.healthActions(badge));
      title.after(panel);
    }

    /**
     * The health panel's two reads: "Access review" (opens the extension page) and "Can
     * permission sets be assigned?" (the core checks every permission set of the org against
     * this user's licences, salesforce.md §I.9, and the panel lists what blocks which). Both on
     * the admin's own click or key press only.
     */
    healthActions(badge) {
      const result = h('div', { 'data-ff': 'assignable', 'aria-live': 'polite' });
      const action = (text, role, onPress) => {
        const b = h('button', { type: 'button', 'data-ff': role }, text);
        b.addEventListener('click', (event) => {
          event.preventDefault();
          if (event.isTrusted && !b.disabled) onPress(b);
        });
        return b;
      };
      const review = action('Access review', 'health-access-review', (b) => this.openReview(badge.userId, b, result));
      const check = action('Can permission sets be assigned?', 'health-check-assignable', (b) => this.checkAssignable(badge.userId, b, result));
      const row = h('div', { 'data-ff': 'health-actions' }, review, check);
      return h('div', {}, row, result);
    }

    async openReview(userId, control, status) {
      if (control) control.disabled = true;
      const reply = await this.ask({ type: 'openAccessReview', userId })
        .catch((error) => ({ type: 'failed', message: String(error?.message ?? error) }));
      if (control) control.disabled = false;
      if (reply?.type !== 'accessReviewOpened') status.textContent = reply?.message ?? 'The access review could not be opened.';
      else if (!control) this.closeMenu();
    }

    /** Lists the org's permission sets blocked for this user, with what blocks each. */
    async checkAssignable(userId, control, into) {
      control.disabled = true;
      into.textContent = 'Checking the org\'s permission sets…';
      const reply = await this.ask({ type: 'assignableSets', userId })
        .catch((error) => ({ type: 'failed', message: String(error?.message ?? error) }));
      control.disabled = false;
      if (reply?.type !== 'assignableSets') {
        into.textContent = reply?.message ?? 'The permission sets could not be checked.';
        return;
      }
      const blocked = reply.verdicts.filter((v) => v.verdict.state === 'blocked');
      const others = reply.verdicts.length - blocked.length;
      const list = h('ul', { 'data-ff': 'assignable-blocked' });
      for (const v of blocked) {
        const reasons = h('ul', {});
        for (const b of v.verdict.blockers) reasons.append(h('li', { 'data-ff-blocker': b.kind }, b.message));
        list.append(h('li', { 'data-ff': 'assignable-set', 'data-ff-set': v.name },
          h('strong', {}, v.label), v.assigned ? ' (assigned)' : '', ' — blocked:', reasons));
      }
      into.replaceChildren(
        h('div', {}, blocked.length
          ? `${blocked.length} permission set${blocked.length === 1 ? '' : 's'} can't be assigned to this user:`
          : 'No permission set is known to be blocked for this user.'),
        list,
        h('div', { 'data-ff': 'assignable-others' }, `${others} other permission set${others === 1 ? '' : 's'}: Salesforce decides at assignment.`));
    }

    showProblem(message) {
      if (this.problemShown) return;
      this.problemShown = true;
      const box = h('div', { 'data-ff': 'badge-message', role: 'status', 'aria-label': 'Forcefield' }, `Forcefield: ${message}`);
      const where = document.querySelector('.bPageTitle') ?? document.body.firstElementChild;
      if (where) where.after(box);
      else document.body.prepend(box);
    }

    closeMenu() {
      const open = this.openMenu;
      if (!open) return;
      this.openMenu = null;
      open.menu.remove();
      open.badgeNode.setAttribute('aria-expanded', 'false');
      open.badgeNode.focus();
    }

    toggleMenu(badgeNode, badge) {
      if (this.openMenu?.badgeNode === badgeNode) {
        this.closeMenu();
        return;
      }
      this.closeMenu();
      const menu = h('div', { 'data-ff': 'badge-menu', role: 'menu', 'aria-label': 'Integration user icon' });
      const button = (text, label, onPress) => {
        const b = h('button', { type: 'button', role: 'menuitem', 'aria-label': label }, text);
        b.addEventListener('click', (event) => {
          event.preventDefault();
          event.stopPropagation();
          // Only the admin's own click or key press, never a click the page's scripts fake.
          if (event.isTrusted) onPress();
        });
        return b;
      };
      const status = h('div', { 'data-ff': 'badge-menu-status', role: 'status' });
      const emojiRow = h('div', { 'data-ff': 'badge-emoji', role: 'group', 'aria-label': 'Emoji' });
      for (const emoji of EMOJI) {
        emojiRow.append(button(emoji, `Use ${emoji} as icon`, () => this.setIcon(badge, { kind: 'emoji', emoji }, status)));
      }
      menu.append(
        button('Access review…', 'Open the access review of this integration user', () => this.openReview(badge.userId, null, status)),
        h('div', { 'aria-hidden': 'true' }, 'Icon for this integration user'),
        emojiRow,
        button('Choose picture…', 'Choose a picture as icon', () => this.pickPicture(badge, status)),
      );
      if (badge.icon) {
        menu.append(
          button('Remove icon', 'Remove icon', () => this.setIcon(badge, null, status)),
          button('Use as profile photo…', 'Use as Salesforce profile photo', () => this.confirmPhoto(menu, badge, status)),
        );
      }
      menu.append(status);
      menu.addEventListener('keydown', (event) => {
        if (event.isTrusted && event.key === 'Escape') {
          event.preventDefault();
          this.closeMenu();
        }
      });
      badgeNode.after(menu);
      badgeNode.setAttribute('aria-expanded', 'true');
      this.openMenu = { menu, badgeNode, confirming: false };
      menu.querySelector('button')?.focus();
    }

    /**
     * Opens the file picker for a picture icon. `isTrusted` on a file input's `change` proves the
     * browser fired it, not whose file the input holds: any script holding the input can assign
     * `input.files` (a DataTransfer's list), even between the admin's pick and the `change`
     * listeners (a capturing listener on the window runs first). So the input never enters the
     * page's DOM: it lives only in this isolated world, the page can't reach it, see its events
     * or set its files, and it is opened only from the admin's own click (`button` above; the
     * browser requires that user activation for a picker too). The pick is taken only from a
     * trusted `change` of the input this click opened.
     */
    pickPicture(badge, status) {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = 'image/png,image/jpeg,image/gif,image/webp';
      input.addEventListener('change', async (event) => {
        const picked = event.isTrusted ? input.files?.[0] : null;
        if (!picked) return;
        try {
          await this.setIcon(badge, await pictureIcon(picked), status);
        } catch {
          status.textContent = 'That picture could not be read.';
        }
      }, { once: true });
      input.click();
    }

    /** A write to Salesforce through the admin's session: confirmed in the menu first. */
    confirmPhoto(menu, badge, status) {
      if (this.openMenu?.menu !== menu || this.openMenu.confirming) return;
      this.openMenu.confirming = true;
      const confirm = h('div', { 'data-ff': 'photo-confirm', role: 'group', 'aria-label': 'Confirm profile photo' },
        h('div', {}, 'Replace this user\'s Salesforce profile photo with the icon?'));
      const yes = h('button', { type: 'button', role: 'menuitem', 'data-ff': 'photo-confirm-yes' }, 'Set photo');
      const no = h('button', { type: 'button', role: 'menuitem' }, 'Cancel');
      yes.addEventListener('click', async (event) => {
        event.stopPropagation();
        if (!event.isTrusted) return; // a write through the admin's session: their own click only
        yes.disabled = no.disabled = true;
        status.textContent = 'Setting the profile photo…';
        const reply = await this.ask({ type: 'setProfilePhoto', userId: badge.userId, pngBase64: iconPng(badge.icon) })
          .catch((error) => ({ type: 'failed', message: String(error?.message ?? error) }));
        confirm.remove();
        if (this.openMenu?.menu === menu) this.openMenu.confirming = false;
        status.textContent = reply?.type === 'profilePhotoSet' ? 'Profile photo set.' : (reply?.message ?? 'The profile photo was not changed.');
      });
      no.addEventListener('click', (event) => {
        event.stopPropagation();
        if (!event.isTrusted) return;
        confirm.remove();
        if (this.openMenu?.menu === menu) this.openMenu.confirming = false;
      });
      confirm.append(yes, no);
      status.before(confirm);
      yes.focus();
    }

    async setIcon(badge, icon, status) {
      const reply = await this.ask({ type: 'setUserIcon', userId: badge.userId, icon })
        .catch((error) => ({ type: 'failed', message: String(error?.message ?? error) }));
      if (reply?.type !== 'userIconSaved') {
        status.textContent = reply?.message ?? 'The icon was not saved.';
        return;
      }
      // Every badge of this user on the page shows the new icon.
      for (const [id, known] of this.known) {
        if (known && known.userId === badge.userId) this.known.set(id, { ...known, icon: icon ?? undefined });
      }
      this.closeMenu();
      const drawn = (this.nodesOf.get(badge.userId) ?? []).filter((node) => node.isConnected);
      this.nodesOf.delete(badge.userId);
      for (const node of drawn) {
        const anchor = node.previousElementSibling;
        const fresh = this.badgeNode(this.known.get(badge.userId));
        node.replaceWith(fresh);
        if (anchor) this.drawnAfter.set(anchor, fresh);
      }
      this.nodesOf.get(badge.userId)?.[0]?.focus();
    }

    /** AJAX paging and rolodex filtering re-render the list in place: badge the new rows. */
    watch() {
      let timer = null;
      new MutationObserver((records) => {
        const relevant = records.some((record) => [...record.addedNodes]
          .some((node) => node.nodeType === Node.ELEMENT_NODE && !isOurs(node)
            && (node.matches?.('table.list, tr, a') || node.querySelector?.('table.list, a[href]'))));
        if (!relevant) return;
        clearTimeout(timer);
        timer = setTimeout(() => this.refresh(), 30);
      }).observe(document.body, { childList: true, subtree: true });
      document.addEventListener('click', (event) => {
        if (!event.isTrusted || !this.openMenu) return;
        if (!this.openMenu.menu.contains(event.target) && event.target !== this.openMenu.badgeNode) this.closeMenu();
      });
    }
  }

  return {
    /**
     * Badges this page's users; `ask` sends a request to the core and resolves its reply.
     * `listeners.userClassified({ userId, integration, badgeNode })` hears the core's verdict on
     * a user detail page's user.
     */
    start(ask, listeners = {}) {
      const hasUsers = document.querySelector('table.list') || detailUser();
      if (!hasUsers) return Promise.resolve();
      const badges = new PageBadges(ask, listeners);
      badges.watch();
      return badges.refresh();
    },
  };
})();
