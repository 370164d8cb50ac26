// Bulk column toggles, the DOM half (content script). It snapshots the page's checkbox tables for
// the core, draws the controls the core names and runs bulk changes on the live page. Which
// columns qualify, which boxes move together (each box's dependency closure) and what another
// set's access means for each box are decided in Rust (src/columns/); this file holds no
// permission rule. It runs the core's steps: at each click it reads every box's `.checked` once
// (the page sets boxes without events), then sets each target with its closure unless a box that
// would change is disabled or in a row the filter hides — never writing a disabled box. So a
// toggle right after another needs no round trip.
// Person-driven actions only follow trusted events (`event.isTrusted`): a page script can't
// click a control, type in a filter or paste for the admin.
// Loaded before content_script.js; does nothing until `forcefieldToggles.start()` runs.
globalThis.forcefieldToggles = (() => {
  'use strict';
  // Salesforce's inline dependency hook on permission checkboxes (salesforce.md §D.3, Boostr's pattern).
  const ONCLICK = /ProfileDependentCheckboxes\.handleClick\(([^,]+),\s+'([^,]+)',\s+'([^,]+)'\)/i;
  const LABEL_LIMIT = 120;
  // A re-render in place (AJAX paging, a new object in the Lightning frame) is read again once
  // the page's changes pause.
  const REFRESH_DELAY_MS = 120;
  // Reading an 800-row page costs tens of milliseconds in a content script's world, so it runs
  // after the page has loaded, in idle slices of about this long: the page and the admin's input
  // never wait behind Forcefield. Each slice is a `forcefield:slice` User Timing measure.
  const SLICE_MS = 3;

  // What Forcefield drew is known by the shared builder's memory (dom.js), never by a `data-ff`
  // attribute the page could copy. Styles: content.css, keyed on `data-ff`.
  const { h, isOurs, trusted } = globalThis.forcefieldDom;
  // `className` is one property read; `classList` builds a token list object per element, which
  // adds up in a content script's isolated world on 800-row pages.
  const classesOf = (element) => {
    const names = element.className;
    return typeof names === 'string' && names ? names.trim().split(/\s+/) : [];
  };
  const textOf = (element) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, LABEL_LIMIT);
  const plural = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

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

  /** Splits a long job into slices of at most SLICE_MS, each waiting for an idle moment. */
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
   * elements behind it (tables in message order, rows, and boxes by the id the core uses).
   */
  async function readPage(slices) {
    const message = [];
    const tables = [];
    const boxes = new Map();
    const ids = new Map();
    // Every box in message order, which is the core's order of boxes (src/columns/).
    const order = [];
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
        let labelCell = null;
        const cellBoxes = [];
        const cells = [...row.cells].map((cell, cellIndex) => {
          const box = rowBoxes?.get(cellIndex) ?? null;
          cellBoxes.push(box);
          if (!box) {
            if (!label) {
              label = textOf(cell);
              labelCell = cell;
            }
            return { classes: classesOf(cell) };
          }
          const id = box.id || `ff-box-${handles++}`;
          const snapshot = boxSnapshot(box, id);
          boxes.set(id, { element: box, snapshot });
          ids.set(box, id);
          order.push({ id, element: box, row: null });
          pageRowKey ??= snapshot.onclick?.rowKey ?? null;
          return { classes: classesOf(cell), checkbox: snapshot };
        });
        const rowKey = pageRowKey ?? (row.id || `${key}:${rowIndex}`);
        // Only Forcefield's filter hides rows, so `shown` mirrors it without a DOM read.
        const rowEntry = { key: rowKey, label, labelCell, element: row, boxes: cellBoxes, shown: true, apiName: null, custom: false };
        rows.push(rowEntry);
        for (let i = order.length - 1; i >= 0 && order[i].row === null; i--) order[i].row = rowEntry;
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
      tables.push({ element: table, header, rows });
    }
    const snapshot = { tables: message };
    if (pageDependencies) snapshot.dependencyMap = pageDependencies;
    return { snapshot, tables, boxes, ids, order };
  }

  // The page's own dependency data, handed over by page_world.js from the page's world. The
  // boxes carry their onclick triples, so the map of ids can stay out (src/columns/).
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

  const EMPTY = Object.freeze([]);

  /**
   * A bulk change's User Timing measure (read by `make bench`): from the listener's start to the
   * last box set, and in `detail.sinceClick` from the click event's own time stamp, which also
   * counts the browser's dispatch.
   */
  function measure(name, started, clickedAt) {
    const end = performance.now();
    const sinceClick = clickedAt > 0 && clickedAt <= end ? end - clickedAt : null;
    performance.measure(name, { start: started, end, detail: { sinceClick } });
  }

  /**
   * The page as the core described it: each box's element and closure, and the live states read
   * at the start of every action. A step sets a box with its closure, or nothing when a box that
   * would change is disabled or in a hidden row (the core's rule, src/columns/steps.rs).
   */
  class Model {
    constructor(page, reply) {
      const count = reply.boxes.length;
      this.elements = new Array(count);
      this.rows = new Array(count);
      this.on = new Array(count);
      this.off = new Array(count);
      this.ids = new Array(count);
      const { order } = page;
      for (let index = 0; index < count; index++) {
        const links = reply.boxes[index];
        // The core lists the boxes in the message's order; an id out of place is looked up.
        let entry = order[index];
        if (entry?.id !== links.id) entry = order.find((candidate) => candidate.id === links.id);
        this.elements[index] = entry?.element;
        this.rows[index] = entry?.row;
        this.ids[index] = links.id;
        this.on[index] = links.on ?? EMPTY;
        this.off[index] = links.off ?? EMPTY;
      }
      this.checked = new Uint8Array(count);
      this.disabled = new Uint8Array(count);
      this.read();
    }

    /** Box index by the snapshot's id (for the core's copy targets and the admin's clicks). */
    get indexById() {
      this.byId ??= new Map(this.ids.map((id, index) => [id, index]));
      return this.byId;
    }

    /** The one pass over the page's boxes that every action starts from. */
    read() {
      const { elements, checked, disabled } = this;
      for (let i = 0; i < elements.length; i++) {
        const box = elements[i];
        checked[i] = box?.checked ? 1 : 0;
        // A box the page no longer has counts as disabled: never written.
        disabled[i] = !box || box.disabled ? 1 : 0;
      }
    }

    /** Whether every box is still the one on the page (a re-render replaces them). */
    connected() {
      return this.elements.every((box) => box?.isConnected);
    }

    /** Why setting box `target` to `want` must not happen now, or null. */
    refusal(target, want, states = this.checked) {
      const { disabled, rows } = this;
      if (states[target] !== want) {
        if (disabled[target]) return 'disabled';
        if (!rows[target]?.shown) return 'hidden';
      }
      for (const i of want ? this.on[target] : this.off[target]) {
        if (states[i] === want) continue;
        if (disabled[i]) return 'disabled';
        if (!rows[i]?.shown) return 'hidden';
      }
      return null;
    }

    /** Whether a toggle can change box `i`: enabled, shown, and flipping it refused by nothing. */
    changeable(i) {
      return !this.disabled[i] && this.rows[i]?.shown && !this.refusal(i, this.checked[i] ^ 1);
    }

    /** All, some or none of a column's changeable boxes checked (src/columns/steps.rs). */
    columnState(members) {
      let checked = 0;
      let changeable = 0;
      for (const i of members) {
        if (!this.changeable(i)) continue;
        changeable++;
        checked += this.checked[i];
      }
      return { checked, changeable };
    }
  }

  /** One bulk change: steps on the live page (or, for a preview, on a copy of its states). */
  class Run {
    constructor(model, { preview = false } = {}) {
      this.model = model;
      this.preview = preview;
      this.states = preview ? model.checked.slice() : model.checked;
      this.changed = [];
      // Each box's state before the run first wrote it: a run whose steps go both ways (a paste,
      // a copy) may write a box twice, and undo restores where it started.
      this.before = new Map();
      this.refused = 0;
    }

    step(target, want) {
      const { model, states } = this;
      if (states[target] === want) return true;
      if (model.refusal(target, want, states)) {
        this.refused++;
        return false;
      }
      this.set(target, want);
      for (const i of want ? model.on[target] : model.off[target]) this.set(i, want);
      return true;
    }

    set(i, want) {
      if (this.states[i] === want) return;
      if (!this.before.has(i)) this.before.set(i, this.states[i]);
      this.states[i] = want;
      if (!this.preview) this.model.elements[i].checked = want === 1;
      this.changed.push(i);
    }

    /** How to restore exactly what this run changed: the elements and their states before it. */
    undo() {
      const undo = [];
      for (const [i, state] of this.before) {
        if (this.states[i] !== state) undo.push([this.model.elements[i], state === 1]);
      }
      return undo;
    }

    /** How many boxes end other than they started. */
    get boxesChanged() {
      let count = 0;
      for (const [i, state] of this.before) count += this.states[i] !== state ? 1 : 0;
      return count;
    }
  }

  /** The controls of one page: reading it, drawing, toggling, filtering, copying, undo. */
  class PageToggles {
    constructor(ask) {
      this.ask = ask;
      this.page = null;
      this.model = null;
      this.columns = new Map();
      this.tables = new Map();
      this.controls = new Map();
      this.bars = new Map();
      this.copyBar = null;
      this.filters = new Map();
      this.lastUndo = null;
      this.clipboard = null;
      this.stale = true;
      this.refreshing = null;
      this.timer = null;
      // The page's own dependency map arrived after the page was read: plan again with it.
      this.mapChanged = false;
    }

    /** Reads the page and asks the core for its controls and each box's closure. */
    refresh() {
      this.refreshing ??= (async () => {
        try {
          this.stale = false;
          this.mapChanged = false;
          const slices = await Slices.begin();
          const page = await readPage(slices);
          slices.end();
          if (page.tables.length === 0) return;
          const reply = await this.ask({ type: 'planColumns', snapshot: page.snapshot });
          if (reply?.type !== 'columnPlans') return;
          // Two short tasks rather than one long one: take the core's answer, then draw.
          let slice = await Slices.begin();
          this.adopt(page, reply);
          slice.end();
          slice = await Slices.begin();
          this.draw();
          slice.end();
          performance.mark('forcefield:drawn');
          this.drawRowButtons().catch((error) => console.debug('Forcefield: row buttons failed', error));
        } finally {
          this.refreshing = null;
          // The page changed again while it was being read: read it once more.
          if (this.stale) this.schedule();
          else if (this.mapChanged) this.replan().catch(() => {});
        }
      })();
      return this.refreshing;
    }

    /**
     * The page handed over its own dependency map (page_world.js). The boxes are the same, so the
     * snapshot already read is planned again with the map; meanwhile toggles keep the built-in
     * rules' closures (salesforce.md §D.3: the map, when present, is the page's truth).
     */
    dependenciesArrived() {
      this.mapChanged = true;
      if (!this.refreshing && !this.stale && this.page) this.replan().catch(() => {});
    }

    async replan() {
      const page = this.page;
      this.mapChanged = false;
      if (!page) return;
      page.snapshot.dependencyMap = pageDependencies;
      const reply = await this.ask({ type: 'planColumns', snapshot: page.snapshot });
      if (reply?.type !== 'columnPlans' || this.page !== page || this.stale) return;
      this.adopt(page, reply);
      this.draw();
    }

    adopt(page, reply) {
      if (this.model && !this.model.connected()) {
        // The boxes an undo or a copied row refer to are gone with the old table.
        this.lastUndo = null;
        this.clipboard = null;
      }
      this.page = page;
      this.model = new Model(page, reply);
      this.tables = new Map(reply.tables.map((control) => {
        const table = page.tables[control.index];
        control.rows.forEach((row, index) => {
          const pageRow = table?.rows[index];
          if (pageRow) Object.assign(pageRow, { apiName: row.apiName ?? null, custom: Boolean(row.custom) });
        });
        return [control.key, { ...table, control }];
      }).filter(([, table]) => table.element));
      this.columns = new Map(reply.columns.map(({ column, boxes }) => [column.key, { column, members: Int32Array.from(boxes) }]));
      for (const [tableKey, filter] of this.filters) this.showRows(tableKey, filter);
    }

    /** Marks the page's model out of date after a re-render and reads it again once changes pause. */
    refreshSoon() {
      this.stale = true;
      for (const control of this.controls.values()) control.setAttribute('aria-busy', 'true');
      this.schedule();
    }

    schedule() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.refresh().catch(() => {}), REFRESH_DELAY_MS);
    }

    /** The model, read again first when the page re-rendered since (one round trip, rare). */
    async current() {
      if (this.stale || !this.model?.connected()) {
        clearTimeout(this.timer);
        await this.refreshing;
        await this.refresh();
      }
      return this.model;
    }

    /** Puts exactly one control on each column's header cell and one bar above each table. */
    draw() {
      for (const [key, { column }] of this.columns) {
        const table = this.tables.get(column.tableKey);
        const cell = table?.header.cells[column.headerIndex];
        if (!cell) continue;
        let control = this.controls.get(key);
        if (!control || !control.isConnected || control.parentElement !== cell) {
          control = cell.querySelector(':scope > [data-ff="column-toggle"]') ?? this.newControl(key);
          if (!control.isConnected) cell.prepend(control);
          this.controls.set(key, control);
        }
      }
      for (const [tableKey, table] of this.tables) this.drawBar(tableKey, table);
      this.drawCopyBar();
      this.paint();
    }

    newControl(key) {
      const control = h('input', { type: 'checkbox', 'data-ff': 'column-toggle', 'data-ff-column': key });
      // `click` also fires for Space on a focused checkbox: keyboard and mouse take one path.
      // The browser flips the control first; paint() then shows the column's real state.
      control.addEventListener('click', trusted((event) => {
        const started = performance.now();
        this.toggle(key, started, event.timeStamp).catch((error) => console.debug('Forcefield: toggle failed', error));
        event.stopPropagation();
      }));
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
      // Field rows of permission pages name their field (salesforce.md §D.3 onclick, §D.4 ids), so
      // API names can be searched and custom fields picked out.
      const knowsApiNames = table.rows.some((row) => row.apiName);
      const search = h('input', {
        type: 'search', 'data-ff': 'row-filter', placeholder: knowsApiNames ? 'Filter by label or API name…' : 'Filter rows…',
        'aria-label': knowsApiNames ? 'Forcefield: filter rows by label or API name' : 'Forcefield: filter rows by label',
      });
      const customOnly = h('input', { type: 'checkbox', 'data-ff': 'custom-only' });
      const customLabel = h('label', { 'data-ff': 'custom-only-label' }, customOnly, ' Custom fields only');
      const count = h('span', { 'data-ff': 'filter-count', 'aria-live': 'polite' });
      const undo = h('button', { type: 'button', 'data-ff': 'undo', 'aria-label': 'Forcefield: undo the last bulk change' }, 'Undo');
      undo.disabled = true;
      const filter = trusted(() => this.applyFilter(tableKey, search.value, customOnly.checked));
      search.addEventListener('input', filter);
      customOnly.addEventListener('change', filter);
      undo.addEventListener('click', trusted((event) => this.undoLast(performance.now(), event.timeStamp)));
      const parts = [search, ' ', ...(knowsApiNames ? [customLabel, ' '] : []), count, ' ', undo];
      if (table.control.rowsCopyable) {
        const copied = h('span', { 'data-ff': 'copied' });
        const paste = h('button', { type: 'button', 'data-ff': 'paste' }, 'Paste to the shown rows');
        const pasteCount = h('span', { 'data-ff': 'paste-count', 'aria-live': 'polite' });
        paste.hidden = true;
        paste.addEventListener('click', trusted((event) => this.paste(tableKey, performance.now(), event.timeStamp)));
        parts.push(' ', copied, ' ', paste, ' ', pasteCount);
      }
      const bar = h('div', { 'data-ff': 'column-filter', 'data-ff-table': tableKey }, ...parts);
      table.element.before(bar);
      this.bars.set(tableKey, bar);
    }

    /** "Copy this row's access" in each row of a table whose rows grant one permission per column. */
    async drawRowButtons() {
      const slices = await Slices.begin();
      for (const [tableKey, table] of this.tables) {
        if (!table.control.rowsCopyable) continue;
        for (let index = 0; index < table.rows.length; index++) {
          if (index % 32 === 31 && slices.due()) await slices.pause();
          const row = table.rows[index];
          const cell = row.labelCell;
          if (!cell?.isConnected || cell.querySelector(':scope > [data-ff="copy-row"]')) continue;
          const button = h('button', {
            type: 'button', 'data-ff': 'copy-row', title: 'Copy this row\'s access',
            'aria-label': `Forcefield: copy the access of ${row.label || 'this row'}`,
          }, 'Copy');
          button.addEventListener('click', trusted(() => this.copyRow(tableKey, row)));
          cell.append(button);
        }
      }
      slices.end();
      performance.mark('forcefield:row-buttons');
    }

    /** "Copy access from" a permission set or profile, once per page, above its tables. */
    drawCopyBar() {
      if (this.copyBar?.isConnected) return;
      const tables = [...this.tables.values()];
      if (!tables.some((table) => table.control.rowsCopyable)) return;
      const first = tables.map((table) => table.element)
        .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
      const source = h('select', { 'data-ff': 'copy-source', 'aria-label': 'Forcefield: permission set or profile to copy access from' },
        h('option', { value: '' }, 'Choose a permission set or profile…'));
      const match = h('input', { type: 'radio', name: 'ff-copy-mode', value: 'matchExactly', 'data-ff': 'copy-mode-match' });
      const add = h('input', { type: 'radio', name: 'ff-copy-mode', value: 'addOnly', 'data-ff': 'copy-mode-add' });
      add.checked = true;
      const copy = h('button', { type: 'button', 'data-ff': 'copy-apply' }, 'Copy');
      const status = h('span', { 'data-ff': 'copy-status', role: 'status', 'aria-live': 'polite' });
      const load = trusted(() => this.loadSources(source, status));
      source.addEventListener('focus', load);
      source.addEventListener('pointerdown', load);
      copy.addEventListener('click', trusted(() => this.copyFromSource(source, match.checked ? 'matchExactly' : 'addOnly', status)));
      const bar = h('div', { 'data-ff': 'copy-access', role: 'group', 'aria-label': 'Forcefield: copy access from another permission set or profile' },
        h('span', {}, 'Copy access from'), ' ', source, ' ',
        h('label', {}, match, ' Match exactly'), ' ', h('label', {}, add, ' Add only'), ' ', copy, ' ', status);
      // At the top of the page block that holds the tables (Classic's `div.pbBody`,
      // salesforce.md §D.2), so it reads as being about the whole page, not one table.
      const block = first.closest('.pbBody');
      if (block && !isOurs(block)) block.prepend(bar);
      else first.before(bar);
      this.copyBar = bar;
    }

    /** Each control shows all / some / none of its column's changeable boxes checked. */
    paint() {
      const model = this.model;
      if (!model) return;
      for (const [key, { column, members }] of this.columns) {
        const control = this.controls.get(key);
        if (!control) continue;
        const { checked, changeable } = model.columnState(members);
        const all = changeable > 0 && checked === changeable;
        control.checked = all;
        control.indeterminate = checked > 0 && !all;
        control.disabled = changeable === 0;
        control.dataset.ffChecked = String(checked);
        control.dataset.ffChangeable = String(changeable);
        const name = column.headerText || `column ${column.cellIndex + 1}`;
        const filtered = this.filters.has(column.tableKey) ? ' in the shown rows' : '';
        const action = all ? `clear every box in ${name}` : `check every box in ${name}`;
        control.setAttribute('aria-label', `${name}: ${checked} of ${plural(changeable, 'changeable box', 'changeable boxes')} checked${filtered}. Forcefield: ${action}`);
        control.title = `Forcefield: ${action} (${checked} of ${changeable} checked${filtered})`;
        if (this.stale) control.setAttribute('aria-busy', 'true');
        else control.removeAttribute('aria-busy');
      }
      for (const [tableKey, bar] of this.bars) {
        const table = this.tables.get(tableKey);
        if (!table) continue;
        const shown = table.rows.filter((row) => row.shown).length;
        const read = [...this.columns.values()].find(({ column }) => column.tableKey === tableKey && column.kind.type === 'fieldRead');
        let readable = null;
        if (read) {
          readable = 0;
          for (const i of read.members) if (model.rows[i]?.shown && model.checked[i]) readable++;
        }
        bar.querySelector('[data-ff="filter-count"]').textContent = readable === null
          ? `${shown} of ${table.rows.length} rows shown`
          : `${shown} of ${table.rows.length} fields shown, ${readable} readable`;
        bar.querySelector('[data-ff="undo"]').disabled = !this.lastUndo;
        this.paintPaste(tableKey, bar);
      }
    }

    async toggle(key, started, clickedAt) {
      // A re-render marks the model stale before any click can land (the observer runs first).
      let model = this.model;
      if (this.stale || !model) model = await this.current();
      else model.read();
      const entry = this.columns.get(key);
      if (!entry || !model) return;
      const { checked, changeable } = model.columnState(entry.members);
      const want = changeable > 0 && checked === changeable ? 0 : 1;
      const run = new Run(model);
      for (const i of entry.members) {
        if (model.disabled[i] || !model.rows[i]?.shown || model.checked[i] === want) continue;
        run.step(i, want);
      }
      measure('forcefield:toggle', started, clickedAt);
      this.finish(run);
    }

    /** Keeps a run's undo, repaints, and says what changed. */
    finish(run) {
      if (run.boxesChanged > 0) this.lastUndo = run.undo();
      this.paint();
      return run;
    }

    undoLast(started, clickedAt) {
      const undo = this.lastUndo;
      if (!undo) return;
      for (const [box, previous] of undo) {
        // Never a disabled box; a box the admin set since keeps the admin's state.
        if (box.isConnected && !box.disabled && box.checked !== previous) box.checked = previous;
      }
      measure('forcefield:undo', started, clickedAt);
      this.lastUndo = null;
      this.model?.read();
      this.paint();
    }

    applyFilter(tableKey, query, customOnly = false) {
      const needle = query.trim().toLocaleLowerCase();
      if (needle || customOnly) this.filters.set(tableKey, { needle, customOnly });
      else this.filters.delete(tableKey);
      this.showRows(tableKey, this.filters.get(tableKey) ?? null);
      this.model?.read();
      this.paint();
    }

    /** Shows the rows a table's filter matches, and only them. */
    showRows(tableKey, filter) {
      const table = this.tables.get(tableKey);
      if (!table) return;
      const { needle = '', customOnly = false } = filter ?? {};
      for (const row of table.rows) {
        const shown = (!needle || row.label.toLocaleLowerCase().includes(needle)
          || (row.apiName ?? row.key).toLocaleLowerCase().includes(needle))
          && (!customOnly || row.custom);
        row.shown = shown;
        // Rows the page rendered anew arrive unfiltered.
        if (row.element.hidden === shown) row.element.hidden = !shown;
      }
    }

    // ----- Copy a row's access, paste it to the shown rows

    copyRow(tableKey, row) {
      const model = this.model;
      const table = this.tables.get(tableKey);
      if (!model || !table) return;
      model.read();
      this.clipboard = { tableKey, row };
      this.paint();
      this.bars.get(tableKey)?.querySelector('[data-ff="paste"]')?.focus();
    }

    /** The steps of pasting the copied row onto every other shown row of its table. */
    pasteRun(tableKey, preview) {
      const model = this.model;
      const clip = this.clipboard;
      if (!model || clip?.tableKey !== tableKey) return null;
      const columns = [...this.columns.values()].filter(({ column }) => column.tableKey === tableKey)
        .map(({ column }) => column.cellIndex);
      const index = (box) => (box ? model.indexById.get(this.idOf(box)) : undefined);
      const wanted = columns.map((cell) => {
        const i = index(clip.row.boxes[cell]);
        return i === undefined ? undefined : model.checked[i];
      });
      const run = new Run(model, { preview });
      let rows = 0;
      for (const row of this.tables.get(tableKey).rows) {
        if (row === clip.row || !row.shown) continue;
        const before = run.changed.length;
        columns.forEach((cell, c) => {
          const i = index(row.boxes[cell]);
          if (i !== undefined && wanted[c] !== undefined) run.step(i, wanted[c]);
        });
        if (run.changed.length > before) rows++;
      }
      run.rows = rows;
      return run;
    }

    idOf(box) {
      return this.page?.ids.get(box);
    }

    paste(tableKey, started, clickedAt) {
      const model = this.model;
      if (!model || !this.clipboard?.row.element.isConnected) return;
      model.read();
      const run = this.pasteRun(tableKey, false);
      if (!run) return;
      measure('forcefield:paste', started, clickedAt);
      this.finish(run);
      const count = this.bars.get(tableKey)?.querySelector('[data-ff="paste-count"]');
      if (count) {
        count.textContent = `Pasted to ${plural(run.rows, 'row')}${run.refused ? `; ${plural(run.refused, 'box', 'boxes')} can't change (disabled or tied to one)` : ''}. Nothing is saved until you press Save.`;
      }
    }

    /** The copied row and, before pasting, how many shown rows the paste would change. */
    paintPaste(tableKey, bar) {
      const paste = bar.querySelector('[data-ff="paste"]');
      if (!paste) return;
      const clip = this.clipboard?.tableKey === tableKey ? this.clipboard : null;
      paste.hidden = !clip;
      const copied = bar.querySelector('[data-ff="copied"]');
      if (!clip) {
        copied.textContent = '';
        return;
      }
      const table = this.tables.get(tableKey);
      const states = [...this.columns.values()].filter(({ column }) => column.tableKey === tableKey).map(({ column }) => {
        const box = clip.row.boxes[column.cellIndex];
        return box ? `${column.headerText || `column ${column.cellIndex + 1}`} ${box.checked ? '✓' : '—'}` : null;
      }).filter(Boolean);
      copied.textContent = `Copied: ${clip.row.label || clip.row.key} (${states.join(', ')})`;
      const preview = this.pasteRun(tableKey, true);
      const shown = table.rows.filter((row) => row.shown && row !== clip.row).length;
      paste.textContent = `Paste to the ${plural(shown, 'shown row')}`;
      paste.setAttribute('aria-label', `Forcefield: paste the access of ${clip.row.label || 'the copied row'} to the ${plural(shown, 'shown row')}`);
      paste.dataset.ffRows = String(preview?.rows ?? 0);
      bar.querySelector('[data-ff="paste-count"]').textContent = preview
        ? `${plural(preview.rows, 'row')} will change${preview.refused ? `, ${plural(preview.refused, 'box', 'boxes')} can't (disabled or tied to one)` : ''}`
        : '';
    }

    // ----- Copy access from another permission set or profile

    async loadSources(select, status) {
      if (this.sourcesLoading || select.dataset.ffLoaded === 'true') return;
      this.sourcesLoading = true;
      try {
        const reply = await this.ask({ type: 'accessSources' });
        if (reply?.type !== 'accessSources') {
          status.textContent = reply?.message ?? 'Forcefield could not list the permission sets and profiles.';
          return;
        }
        const groups = [['Permission sets', 'permissionSetId'], ['Profiles', 'profileId']].map(([label, key]) => {
          const group = h('optgroup', { label });
          for (const { source, label: name } of reply.sources) {
            const id = source[key];
            if (!id) continue;
            const option = h('option', { value: JSON.stringify({ [key]: id }) });
            option.textContent = name;
            group.append(option);
          }
          return group;
        }).filter((group) => group.children.length > 0);
        select.append(...groups);
        select.dataset.ffLoaded = 'true';
      } finally {
        this.sourcesLoading = false;
      }
    }

    async copyFromSource(select, mode, status) {
      let source;
      try {
        source = JSON.parse(select.value || 'null');
      } catch {
        source = null;
      }
      const label = select.selectedOptions[0]?.textContent ?? '';
      if (!source) {
        status.textContent = 'Choose a permission set or profile first.';
        return;
      }
      const model = await this.current();
      if (!model) return;
      status.textContent = `Reading ${label}…`;
      model.read();
      // The snapshot the core plans from, with the boxes as they are now.
      for (const [id, { element: box, snapshot }] of this.page.boxes) {
        if (model.indexById.has(id)) Object.assign(snapshot, { checked: box.checked, disabled: box.disabled });
      }
      const reply = await this.ask({ type: 'copyAccess', source, mode, snapshot: this.page.snapshot });
      if (reply?.type !== 'accessCopy') {
        status.textContent = reply?.message ?? 'Forcefield could not copy the access.';
        return;
      }
      const current = await this.current();
      current.read();
      const run = new Run(current);
      for (const { checkboxId, checked } of reply.plan.targets) {
        const i = current.indexById.get(checkboxId);
        if (i !== undefined) run.step(i, checked ? 1 : 0);
      }
      this.finish(run);
      const notes = [`${plural(run.boxesChanged, 'box', 'boxes')} changed`];
      if (run.refused) notes.push(`${plural(run.refused, 'box', 'boxes')} can't change (disabled or tied to one)`);
      if (reply.plan.rowsWithoutApiName) notes.push(`${plural(reply.plan.rowsWithoutApiName, 'row')} without an API name skipped`);
      if (reply.plan.fieldsNotOnPage.length) notes.push(`${plural(reply.plan.fieldsNotOnPage.length, 'field')} of the source not on this page`);
      status.textContent = `Copied from ${label} (${mode === 'matchExactly' ? 'match exactly' : 'add only'}): ${notes.join('; ')}. Nothing is saved until you press Save.`;
      status.dataset.ffChanged = String(run.boxesChanged);
      status.dataset.ffRefused = String(run.refused);
      status.dataset.ffWithoutApiName = String(reply.plan.rowsWithoutApiName);
    }

    /** The admin's own clicks and the page's re-renders keep the controls current. */
    watch() {
      document.addEventListener('change', (event) => {
        const target = event.target;
        if (!event.isTrusted || !(target instanceof HTMLInputElement) || target.type !== 'checkbox' || isOurs(target)) return;
        if (!this.model?.indexById.has(this.idOf(target))) return;
        // A box changed by hand: the last bulk change can no longer be restored exactly.
        this.lastUndo = null;
        this.model.read();
        this.paint();
      }, true);
      const changedTables = (records) => records.some((record) => [...record.addedNodes, ...record.removedNodes]
        .some((node) => node.nodeType === Node.ELEMENT_NODE && !isOurs(node) && !isOurs(record.target)
          && (node.tagName === 'TABLE' || node.tagName === 'TR' || node.tagName === 'INPUT'
            || node.querySelector?.('table, input[type="checkbox"]'))));
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
      listenForPageDependencies(() => toggles.dependenciesArrived());
      return toggles.refresh();
    },
  };
})();
