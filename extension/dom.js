// The one DOM builder every Forcefield surface uses: the content scripts on Setup pages (first in
// the manifest's `js` list, so `globalThis.forcefieldDom` exists before they run) and the
// extension pages (which `import '../dom.js'` for the same global). Org data only ever enters as
// text children or attribute values, never as markup.
//
// Trust (README "Security"): a Setup page's scripts share the DOM with the content scripts and can
// copy any attribute, `data-ff` included, onto their own nodes. So what Forcefield made is kept in
// this isolated world's memory (`isOurs`), never read back from an attribute.
globalThis.forcefieldDom = (() => {
  'use strict';
  const created = new WeakSet();

  /**
   * Builds an element. Attribute values are strings (`true` = present, `false`/`null`/`undefined`
   * = absent); `on…` names add listeners and `.name` sets a property. Children are nodes or text;
   * arrays are flattened and `false`/`null`/`undefined` skipped.
   */
  function h(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) {
        // Never an inline handler attribute: on a Setup page that would be code in the page's world.
        if (typeof value !== 'function') throw new TypeError(`${name} needs a function`);
        node.addEventListener(name.slice(2), value);
      } else if (name.startsWith('.')) node[name.slice(1)] = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
    created.add(node);
    return node;
  }

  /** Whether `node` is, or sits inside, a node this world built. */
  function isOurs(node) {
    for (let at = node; at; at = at.parentNode) if (created.has(at)) return true;
    return false;
  }

  /**
   * Wraps `handler` to run for trusted events only: the admin's own clicks, keys and typing, never
   * a page script's `.click()` or `dispatchEvent`. A scripted click on a checkbox flips it before
   * listeners run, so that flip is undone.
   */
  const trusted = (handler) => (event) => {
    if (!event.isTrusted) {
      if (event.type === 'click') event.preventDefault();
      return;
    }
    handler(event);
  };

  return Object.freeze({ h, isOurs, trusted });
})();
