// Content script, in every frame of Salesforce pages. A thin adapter: it recognises the Setup
// surfaces, asks the background whether to enhance them, and marks what it enhanced. It never
// sees the session and never decides anything itself; on any failure the page stays as it was.
// The page's scripts share the DOM but not this isolated world: Forcefield's content scripts
// talk to each other through plain function calls here, never through DOM events or attributes
// (README "Security").
// Its own main-thread time is recorded as User Timing measures (`forcefield:*`), which
// `make bench` reads. The page can see them too: they carry timings only, and Forcefield never reads
// them back.
(() => {
  'use strict';
  const api = globalThis.browser ?? globalThis.chrome;
  const startedAt = performance.now();
  const measure = (name, start) => performance.measure(`forcefield:${name}`, { start, end: performance.now() });

  // Which Setup surface this frame shows (salesforce.md §A.3 markers, §D.1, §D.2); null = stay inert.
  function setupSurface() {
    if (document.body?.classList.contains('sfdcBody')) return 'classicSetup';
    const inLightningSetup = location.pathname.startsWith('/lightning/setup/');
    if (inLightningSetup && document.getElementById('auraLoadingBox')) return 'lightningSetup';
    return null;
  }

  function markEnhanced(surface, orgId) {
    if (document.body.querySelector(':scope > [data-ff="marker"]')) return;
    document.body.append(globalThis.forcefieldDom.h('div', {
      hidden: true, 'data-ff': 'marker', 'data-ff-surface': surface, 'data-ff-org': orgId ?? '',
    }));
  }

  const surface = setupSurface();
  if (!surface) {
    measure('inert', startedAt);
    return;
  }
  measure('detect', startedAt);
  api.runtime
    .sendMessage({ type: 'pageLoaded', surface })
    .then((reply) => {
      const appliedAt = performance.now();
      if (reply?.type !== 'pageVerdict' || !reply.enhance) return;
      markEnhanced(surface, reply.orgId);
      measure('apply', appliedAt);
      if (surface === 'classicSetup') {
        const ask = (request) => api.runtime.sendMessage(request);
        // The badges tell the generator's entry point which user the core classified, through
        // this isolated world's memory: the page can neither see nor forge that call.
        const entry = globalThis.forcefieldGenerateEntry.start(ask);
        const userClassified = (classified) => entry?.userClassified(classified);
        return Promise.all([
          globalThis.forcefieldToggles.start(ask),
          globalThis.forcefieldBadges.start(ask, { userClassified }),
        ]);
      }
    })
    .catch((error) => console.debug('Forcefield: inactive on this page:', error));
})();
