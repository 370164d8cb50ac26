// Bulk column toggles, the DOM half (content script). It snapshots the page's checkbox tables for
// the core, draws the tri-state controls the core names, and applies the core's plans. Which
// columns qualify and which boxes a toggle changes are decided in Rust (src/columns.rs).
// Loaded before content_script.js; does nothing until `forcefieldToggles.start()` runs.
globalThis.forcefieldToggles = (() => {
  'use strict';
  // Salesforce's inline dependency hook on permission checkboxes (salesforce.md §D.3, Boostr's pattern).
  const ONCLICK = /ProfileDependentCheckboxes\.handleClick\(([^,]+),\s+'([^,]+)',\s+'([^,]+)'\)/i;
  const LABEL_LIMIT = 120;
  const REFRESH_DELAY_MS = 120;
  // Reading an 800-row page costs tens of milliseconds in a content script's world, so it runs
  // after the page has loaded, in idle slices of about this long: the page and the admin's input
  // never wait behind Forcefield. Each slice is a `forcefield:slice` User Timing measure.
  const SLICE_MS = 3;

  const isOurs = (node) => Boolean(node.closest('[data-ff]'));
  // `className` is one property read; `classList` builds a token list object per element, which
  // adds up in a content script's isolated world on 800-row pages.
  const classesOf = (element) => {
    const names = element.className;
    return typeof names === 'string' && names ? names.trim().split(/\s+/) : [];
  };
  const textOf = (element) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, LABEL_LIMIT);

  /** The header row of `table` itself, not of a nested table: `tr.headerRow` (salesforce.md §D.2) or thead. */
  function headerRowOf(table) {
    for (const row of table.rows) if (row.classList.contains('headerRow')) return row;
    return table.tHead?.rows[0] ?? null;
  }

  function boxSnapshot(box, id) {
    const snapshot = { id, classes: classesOf(box), checked: box.checked, disabled: box.disabled };
    if (box.name) snapshot.name = box.name;
    if (box.title) snapshot.title = box.title;
    const click = ONCLICK.exec(box.getAttribute('onclick') ?? '');
    if (click) snapshot.onclick = { rowKey: click[2], permKey: click[3] };
    return snapshot;
  }

  const idle = () => new Promise((resolve) => {
    if (globalThis.requestIdleCallback) requestIdleCallback(() => resolve(), { timeout: 100 });
    else setTimeout(resolve, 0);
  });

  /** Splits a long read into slices of at most SLICE_MS, each waiting for an idle moment. */
  class Slices {
    static async begin() {
      await idle();
      return new Slices();
    }

    constructor() {
      this.startedAt = performance.now();
    }

    /** Every few items: whether this slice has used its time. */
    due() {
      return performance.now() - this.startedAt >= SLICE_MS;
    }

    async pause() {
      this.end();
      await idle();
      this.startedAt = performance.now();
    }

    end() {
      performance.measure('forcefield:slice', { start: this.startedAt, end: performance.now() });
    }
  }

  /**
   * Every page checkbox, grouped by its innermost table, row and cell: one pass over the boxes,
   * so layout tables wrapping a large list cost nothing (a cell keeps its first box only).
   */
  async function checkboxesByTable(slices) {
    const tables = new Map();
    const all = document.querySelectorAll('input[type="checkbox"]');
    for (let index = 0; index < all.length; index++) {
      if (index % 64 === 63 && slices.due()) await slices.pause();
      const box = all[index];
      if (box.hasAttribute('data-ff')) continue;
      const cell = box.closest('td, th');
      const row = cell?.parentElement;
      const table = row?.closest('table');
      if (!table || isOurs(table)) continue;
      let rows = tables.get(table);
      if (!rows) tables.set(table, (rows = new Map()));
      let cells = rows.get(row);
      if (!cells) rows.set(row, (cells = new Map()));
      if (!cells.has(cell.cellIndex)) cells.set(cell.cellIndex, box);
    }
    return tables;
  }

  /**
   * Reads every table with a header row and a checkbox: the message for the core, and the
   * elements behind it (rows, and boxes by the id the core's plans use).
   */
  async function readPage(slices) {
    const message = [];
    const tables = new Map();
    const boxes = new Map();
    const allTables = [...document.querySelectorAll('table')];
    let handles = 0;
    for (const [table, boxRows] of await checkboxesByTable(slices)) {
      const header = headerRowOf(table);
      if (!header) continue;
      const key = table.id || `table-${allTables.indexOf(table)}`;
      const rows = [];
      const rowMessages = [];
      for (const [rowIndex, row] of [...table.rows].entries()) {
        if (rowIndex % 16 === 15 && slices.due()) await slices.pause();
        if (row === header || row.parentElement?.tagName === 'THEAD') continue;
        const rowBoxes = boxRows.get(row);
        let pageRowKey = null;
        let label = '';
        const cellBoxes = [];
        const cells = [...row.cells].map((cell, cellIndex) => {
          const box = rowBoxes?.get(cellIndex) ?? null;
          cellBoxes.push(box);
          if (!box) {
            label ||= textOf(cell);
            return { classes: classesOf(cell) };
          }
          const id = box.id || `ff-box-${handles++}`;
          boxes.set(id, box);
          const snapshot = boxSnapshot(box, id);
          pageRowKey ??= snapshot.onclick?.rowKey ?? null;
          return { classes: classesOf(cell), checkbox: snapshot };
        });
        const rowKey = pageRowKey ?? (row.id || `${key}:${rowIndex}`);
        // Only Forcefield's filter hides rows, so `shown` mirrors it without a DOM read.
        rows.push({ key: rowKey, label, element: row, boxes: cellBoxes, shown: true });
        rowMessages.push({ key: rowKey, label, cells });
      }
      const headerBoxes = boxRows.get(header);
      const headerCells = [...header.cells].map((cell, cellIndex) => ({
        text: textOf(cell),
        id: cell.id || cell.querySelector('[id]')?.id || undefined,
        classes: classesOf(cell),
        span: cell.colSpan > 1 ? cell.colSpan : undefined,
        hasCheckbox: Boolean(headerBoxes?.has(cellIndex)),
      }));
      message.push({ key, header: headerCells, rows: rowMessages });
      tables.set(key, { element: table, header, rows });
    }
    const snapshot = { tables: message };
    if (pageDependencies) snapshot.dependencyMap = pageDependencies;
    return { snapshot, tables, boxes };
  }

  // The page's own dependency data, handed over by page_world.js from the page's world. The
  // boxes carry their onclick triples, so the map of ids can stay out (src/columns.rs).
  let pageDependencies = null;
  function listenForPageDependencies(onChange) {
    document.addEventListener('forcefield:dependencies', (event) => {
      try {
        const { dependents, antecedents } = JSON.parse(String(event.detail));
        const lists = (value) => Object.fromEntries(Object.entries(value ?? {})
          .filter(([, keys]) => Array.isArray(keys))
          .map(([key, keys]) => [key, keys.filter((k) => typeof k === 'string')]));
        pageDependencies = { dependents: lists(dependents), antecedents: lists(antecedents) };
        onChange();
      } catch {
        // Malformed data from the page: the built-in rules stay in charge.
      }
    });
    document.dispatchEvent(new CustomEvent('forcefield:request-dependencies'));
  }

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  /** The controls of one page: state, drawing, toggling, filtering, undo. */
  class PageToggles {
    constructor(ask) {
      this.ask = ask;
      this.page = null;
      this.columns = new Map();
      this.controls = new Map();
      this.bars = new Map();
      this.filter = null;
      this.lastUndo = null;
      this.stale = true;
      // Bumped on every change to the page's boxes or the filter; plans are fresh only when they
      // were computed from a snapshot taken at the current version.
      this.version = 0;
      this.refreshing = null;
      this.timer = null;
    }

    /** Re-reads the page and asks the core for fresh columns and plans. */
    refresh() {
      this.refreshing ??= (async () => {
        try {
          const version = this.version;
          const slices = await Slices.begin();
          const page = await readPage(slices);
          slices.end();
          if (page.tables.size === 0) return;
          const reply = await this.ask({ type: 'planColumns', snapshot: page.snapshot, filter: this.filter });
          if (reply?.type !== 'columnPlans') return;
          const drawAt = performance.now();
          this.page = page;
          this.showFiltered();
          this.columns = new Map(reply.columns.map((control) => [control.column.key, control]));
          this.stale = this.version !== version;
          // The page changed while the core was planning: plan again for the page as it is now.
          if (this.stale) this.schedule();
          this.draw();
          performance.measure('forcefield:slice', { start: drawAt, end: performance.now() });
          performance.mark('forcefield:drawn');
        } finally {
          this.refreshing = null;
        }
      })();
      return this.refreshing;
    }

    /** Marks the plans stale after a change and refreshes them once changes pause. */
    refreshSoon() {
      this.stale = true;
      this.version += 1;
      this.markBusy();
      this.schedule();
    }

    schedule() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.refresh().catch(() => {}), REFRESH_DELAY_MS);
    }

    /** Puts exactly one control on each column's header cell and one bar above each table. */
    draw() {
      for (const [key, { column }] of this.columns) {
        const table = this.page.tables.get(column.tableKey);
        const cell = table?.header.cells[column.headerIndex];
        if (!cell) continue;
        let control = this.controls.get(key);
        if (!control || !control.isConnected || control.parentElement !== cell) {
          control = cell.querySelector(':scope > [data-ff="column-toggle"]') ?? this.newControl(key, column);
          if (!control.isConnected) cell.prepend(control);
          this.controls.set(key, control);
        }
        this.drawBar(column.tableKey, table);
      }
      this.paint();
    }

    newControl(key, column) {
      const name = column.headerText || `column ${column.cellIndex + 1}`;
      const control = element('input', {
        type: 'checkbox', 'data-ff': 'column-toggle', 'data-ff-column': key,
        'aria-label': `Forcefield: toggle every box in ${name}`, title: `Toggle every box in ${name}`,
      });
      control.style.marginRight = '4px';
      control.style.verticalAlign = 'middle';
      // `click` also fires for Space on a focused checkbox: keyboard and mouse take one path.
      // The browser flips the control first; paint() then shows the column's real state.
      control.addEventListener('click', () => {
        this.toggle(key).catch((error) => console.debug('Forcefield: toggle failed', error));
      });
      return control;
    }

    drawBar(tableKey, table) {
      const drawn = this.bars.get(tableKey);
      if (drawn?.isConnected) {
        // A table re-rendered in place keeps its one bar, filter text and all.
        if (drawn.nextElementSibling !== table.element) table.element.before(drawn);
        return;
      }
      if (table.rows.length < 2) return;
      // Field rows of permission pages carry `Object.Field` keys (salesforce.md §D.3 onclick), so API
      // names can be searched and custom fields picked out.
      const knowsApiNames = table.rows.some((row) => /^\w+\.\w+$/.test(row.key));
      const search = element('input', {
        type: 'search', 'data-ff': 'row-filter', placeholder: knowsApiNames ? 'Filter by label or API name…' : 'Filter rows…',
        'aria-label': knowsApiNames ? 'Forcefield: filter rows by label or API name' : 'Forcefield: filter rows by label',
      });
      const customOnly = element('input', { type: 'checkbox', 'data-ff': 'custom-only' });
      const customLabel = element('label', { 'data-ff': 'custom-only-label' }, customOnly, ' Custom fields only');
      const count = element('span', { 'data-ff': 'filter-count', 'aria-live': 'polite' });
      const undo = element('button', { type: 'button', 'data-ff': 'undo', 'aria-label': 'Forcefield: undo the last bulk change' }, 'Undo');
      undo.disabled = true;
      const filter = () => this.applyFilter(tableKey, search.value, customOnly.checked);
      search.addEventListener('input', filter);
      customOnly.addEventListener('change', filter);
      undo.addEventListener('click', () => this.undoLast());
      const bar = element('div', { 'data-ff': 'column-filter', 'data-ff-table': tableKey }, search, ' ',
        ...(knowsApiNames ? [customLabel, ' '] : []), count, ' ', undo);
      Object.assign(bar.style, { margin: '4px 0', display: 'flex', gap: '8px', alignItems: 'center', font: '12px Arial, sans-serif' });
      table.element.before(bar);
      this.bars.set(tableKey, bar);
    }

    /** The enabled boxes of a column in the rows the filter shows. */
    columnBoxes(column) {
      const table = this.page.tables.get(column.tableKey);
      if (!table) return [];
      const boxes = [];
      for (const row of table.rows) {
        const box = row.shown ? row.boxes[column.cellIndex] : null;
        if (box && !box.disabled) boxes.push(box);
      }
      return boxes;
    }

    /** `aria-busy` on every control while its plans are being recomputed. */
    markBusy() {
      for (const control of this.controls.values()) control.setAttribute('aria-busy', 'true');
    }

    /** Each control shows all / some / none of its column's enabled, visible boxes checked. */
    paint() {
      for (const [key, { column }] of this.columns) {
        const control = this.controls.get(key);
        if (!control) continue;
        const boxes = this.columnBoxes(column);
        const checked = boxes.filter((box) => box.checked).length;
        control.checked = boxes.length > 0 && checked === boxes.length;
        control.indeterminate = checked > 0 && checked < boxes.length;
        control.disabled = boxes.length === 0;
        control.dataset.ffChecked = String(checked);
        control.dataset.ffEnabled = String(boxes.length);
        if (this.stale) control.setAttribute('aria-busy', 'true');
        else control.removeAttribute('aria-busy');
      }
      for (const [tableKey, bar] of this.bars) {
        const table = this.page.tables.get(tableKey);
        if (!table) continue;
        const shown = table.rows.filter((row) => row.shown).length;
        const read = [...this.columns.values()].find(({ column }) => column.tableKey === tableKey && column.kind.type === 'fieldRead');
        const readable = read ? this.columnBoxes(read.column).filter((box) => box.checked).length : null;
        bar.querySelector('[data-ff="filter-count"]').textContent = readable === null
          ? `${shown} of ${table.rows.length} rows shown`
          : `${shown} of ${table.rows.length} fields shown, ${readable} readable`;
        bar.querySelector('[data-ff="undo"]').disabled = !this.lastUndo;
      }
    }

    async toggle(key) {
      // A toggle right after another change waits for plans of the page as it is now (one round
      // trip to the core); otherwise it applies at once.
      for (let attempt = 0; this.stale && attempt < 3; attempt++) await this.refresh();
      const control = this.columns.get(key);
      if (!control) return;
      const boxes = this.columnBoxes(control.column);
      const allChecked = boxes.length > 0 && boxes.every((box) => box.checked);
      const plan = allChecked ? control.clearAll : control.checkAll;
      this.apply(plan.changes);
      this.lastUndo = plan.undo;
      this.paint();
      this.refreshSoon();
    }

    apply(changes) {
      for (const { checkboxId, checked } of changes) {
        const box = this.page.boxes.get(checkboxId);
        // The core never plans a disabled box; the page may have changed since the snapshot.
        if (box && !box.disabled) box.checked = checked;
      }
    }

    undoLast() {
      if (!this.lastUndo) return;
      this.apply(this.lastUndo);
      this.lastUndo = null;
      this.paint();
      this.refreshSoon();
    }

    /** A fresh read of a filtered page keeps the filter's rows shown, and only them. */
    showFiltered() {
      const table = this.filter && this.page.tables.get(this.filter.tableKey);
      if (!table) return;
      const visible = new Set(this.filter.visibleRowKeys);
      for (const row of table.rows) {
        row.shown = visible.has(row.key);
        // Rows the page rendered anew arrive unfiltered.
        if (row.element.hidden === row.shown) row.element.hidden = !row.shown;
      }
    }

    applyFilter(tableKey, query, customOnly = false) {
      const table = this.page?.tables.get(tableKey);
      if (!table) return;
      const needle = query.trim().toLocaleLowerCase();
      const shows = (row) => (!needle || row.label.toLocaleLowerCase().includes(needle) || row.key.toLocaleLowerCase().includes(needle))
        && (!customOnly || row.key.endsWith('__c'));
      for (const row of table.rows) {
        row.shown = shows(row);
        row.element.hidden = !row.shown;
      }
      this.filter = needle || customOnly
        ? { tableKey, visibleRowKeys: table.rows.filter((row) => row.shown).map((row) => row.key) }
        : null;
      this.paint();
      this.refreshSoon();
    }

    /** The admin's own clicks and the page's re-renders keep the controls current. */
    watch() {
      document.addEventListener('change', (event) => {
        const target = event.target;
        if (target instanceof HTMLInputElement && target.type === 'checkbox' && !isOurs(target)) {
          this.paint();
          this.refreshSoon();
        }
      }, true);
      const changedTables = (records) => records.some((record) => [...record.addedNodes, ...record.removedNodes]
        .some((node) => node.nodeType === Node.ELEMENT_NODE && !isOurs(node)
          && (node.tagName === 'TABLE' || node.querySelector?.('table, input[type="checkbox"]'))));
      new MutationObserver((records) => {
        if (changedTables(records)) this.refreshSoon();
      }).observe(document.body, { childList: true, subtree: true });
    }
  }

  return {
    /** Adds the controls to this page; `ask` sends a request to the core and resolves its reply. */
    start(ask) {
      const toggles = new PageToggles(ask);
      toggles.watch();
      listenForPageDependencies(() => toggles.refreshSoon());
      return toggles.refresh();
    },
  };
})();
