// org-sim Lightning Setup shell (salesforce.md §D.1). Builds nested open shadow roots, so
// document.querySelectorAll('iframe') does not see the Classic frame, but
// innerShadowRoot.querySelector('force-aloha-page iframe[name^=vfFrameId]') does.
// Served as an external file: the page CSP allows no inline script.
(function () {
  'use strict';
  var dataEl = document.getElementById('sim-shell');
  if (!dataEl) { return; }
  var data = JSON.parse(dataEl.textContent);

  ['one-app', 'one-setup-content', 'force-aloha-page'].forEach(function (name) {
    if (!window.customElements.get(name)) {
      window.customElements.define(name, class extends HTMLElement {});
    }
  });

  var frameCount = 0;
  function makeFrame(src) {
    var frame = document.createElement('iframe');
    frameCount += 1;
    frame.name = frameCount === 1 ? data.frameName : data.frameName + '_' + frameCount;
    frame.title = data.frameTitle;
    frame.src = src;
    frame.setAttribute('allowfullscreen', 'true');
    var loads = 0;
    // "The frame element is replaced on every in-frame navigation" (salesforce.md §D.1, [S]).
    frame.addEventListener('load', function () {
      loads += 1;
      if (loads < 2) { return; }
      var href;
      try { href = frame.contentWindow.location.href; } catch (e) { return; }
      var next = makeFrame(href);
      frame.replaceWith(next);
    });
    return frame;
  }

  var host = document.getElementById('sim-content');
  var app = document.createElement('one-app');
  host.appendChild(app);
  var outer = app.attachShadow({ mode: 'open' });
  var outerStyle = document.createElement('style');
  outerStyle.textContent = ':host{display:block;height:100%}';
  outer.appendChild(outerStyle);

  var content = document.createElement('one-setup-content');
  content.className = 'active oneContent';
  outer.appendChild(content);
  var inner = content.attachShadow({ mode: 'open' });
  var innerStyle = document.createElement('style');
  innerStyle.textContent = ':host{display:block;height:100%}' +
    'force-aloha-page{display:block;height:100%}' +
    'iframe{border:0;width:100%;height:100%;min-height:640px;background:#fff}';
  inner.appendChild(innerStyle);

  var page = document.createElement('force-aloha-page');
  page.appendChild(makeFrame(data.frameUrl));
  inner.appendChild(page);

  document.body.classList.add('sim-loaded');
})();
