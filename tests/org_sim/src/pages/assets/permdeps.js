/* org-sim: the page-script global `window.ProfileDependentCheckboxes` of Classic permission
 * pages (salesforce.md §D.3). Salesforce defines it in an inline script and wires each checkbox with an
 * inline `onclick="ProfileDependentCheckboxes.handleClick(this, '<rowKey>', '<permKey>')"`.
 * The sim's CSP (`script-src 'self'`) blocks inline scripts and inline handlers, so this
 * external file defines the global and, for every element carrying such an onclick attribute,
 * sets the element's `onclick` property (the attribute itself stays untouched, as extensions
 * parse it; a property-set handler is not subject to CSP, so clicks and `.click()` behave as on
 * Salesforce).
 *
 * `dependents` / `antecedents` come from the JSON data block `script#sim-pdc`; `map` is built
 * from the onclick attributes: map[rowKey][permKey] = checkbox element id.
 *
 * handleClick does exactly the documented dependency work and nothing more: checking a box
 * checks map[rowKey][p] for p in dependents[permKey]; unchecking unchecks
 * map[rowKey][p] for p in antecedents[permKey]. A disabled box is left as it is: no fact says
 * the real page changes one, and the browser would not submit it on Save anyway. It is the
 * baseline extension toggles are compared against — keep it that way. */
(function () {
  'use strict';
  var PATTERN = /ProfileDependentCheckboxes\.handleClick\(([^,]+),\s+'([^,]+)',\s+'([^,]+)'\)/i;
  var data = { dependents: {}, antecedents: {} };
  var block = document.getElementById('sim-pdc');
  if (block) {
    try {
      data = JSON.parse(block.textContent);
    } catch (e) {
      /* keep the empty maps */
    }
  }
  var map = {};
  var wired = [];
  var nodes = document.querySelectorAll('[onclick]');
  for (var i = 0; i < nodes.length; i++) {
    var m = PATTERN.exec(nodes[i].getAttribute('onclick'));
    if (!m) {
      continue;
    }
    var rowKey = m[2];
    var permKey = m[3];
    if (!Object.prototype.hasOwnProperty.call(map, rowKey)) {
      map[rowKey] = {};
    }
    if (nodes[i].id) {
      map[rowKey][permKey] = nodes[i].id;
    }
    wired.push([nodes[i], rowKey, permKey]);
  }

  function setAll(rowKey, perms, checked) {
    if (!perms || !map[rowKey]) {
      return;
    }
    for (var j = 0; j < perms.length; j++) {
      var el = document.getElementById(map[rowKey][perms[j]]);
      if (el && !el.disabled) {
        el.checked = checked;
      }
    }
  }

  window.ProfileDependentCheckboxes = {
    dependents: data.dependents || {},
    antecedents: data.antecedents || {},
    map: map,
    handleClick: function (checkbox, rowKey, permKey) {
      var self = window.ProfileDependentCheckboxes;
      if (checkbox.checked) {
        setAll(rowKey, self.dependents[permKey], true);
      } else {
        setAll(rowKey, self.antecedents[permKey], false);
      }
    }
  };

  wired.forEach(function (w) {
    var el = w[0];
    var rowKey = w[1];
    var permKey = w[2];
    el.onclick = function () {
      /* Resolved at click time, like the inline attribute would be. */
      window.ProfileDependentCheckboxes.handleClick(this, rowKey, permKey);
    };
  });
})();
