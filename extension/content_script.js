// Content script, in every frame of Salesforce pages. A thin adapter: it recognises the Setup
// surfaces, asks the background whether to enhance them, and marks what it enhanced. It never
// sees the session and never decides anything itself; on any failure the page stays as it was.
(() => {
  'use strict';
  const api = globalThis.browser ?? globalThis.chrome;

  // Which Setup surface this frame shows (facts §A.3 markers, §D.1, §D.2); null = stay inert.
  function setupSurface() {
    if (document.body?.classList.contains('sfdcBody')) return 'classicSetup';
    const inLightningSetup = location.pathname.startsWith('/lightning/setup/');
    if (inLightningSetup && document.getElementById('auraLoadingBox')) return 'lightningSetup';
    return null;
  }

  function markEnhanced(surface, orgId) {
    if (document.querySelector(':scope > body > [data-ff="marker"]')) return;
    const marker = document.createElement('div');
    marker.hidden = true;
    marker.dataset.ff = 'marker';
    marker.dataset.ffSurface = surface;
    marker.dataset.ffOrg = orgId ?? '';
    document.body.append(marker);
  }

  const surface = setupSurface();
  if (!surface) return;
  api.runtime
    .sendMessage({ type: 'pageLoaded', surface })
    .then((reply) => {
      if (reply?.type === 'pageVerdict' && reply.enhance) markEnhanced(surface, reply.orgId);
    })
    .catch((error) => console.debug('Forcefield: inactive on this page:', error));
})();
