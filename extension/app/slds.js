// The Lightning Design System pieces every extension page draws (generator, access review,
// record types): cards, alerts and labelled form controls, built with the one DOM helper
// (dom.js), so the pages look and behave alike and none re-implements them.
import '../dom.js';

export const { h } = globalThis.forcefieldDom;

let uid = 0;
/** A page-unique element id, for label/heading/help relations. */
export const nextId = (prefix) => `${prefix}-${++uid}`;

/** A titled card; `role` is its `data-ff` name. */
export function card(title, role, ...body) {
  const headingId = nextId('h');
  return h('section', { class: 'slds-card', 'data-ff': role, 'aria-labelledby': headingId },
    h('header', { class: 'slds-card__header' }, h('h2', { class: 'slds-card__header-title', id: headingId }, title)),
    h('div', { class: 'slds-card__body' }, ...body));
}

/** A notification: `kind` is error (announced at once), warning, success or info. */
export function alert(kind, role, ...children) {
  return h('div', { class: `slds-notify slds-notify_alert slds-theme_${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-ff': role }, ...children);
}

/** A labelled checkbox; `attributes` go on the input. */
export function checkbox(label, attributes) {
  const id = nextId('cb');
  return h('div', { class: 'slds-checkbox' },
    h('input', { type: 'checkbox', id, ...attributes }),
    h('label', { class: 'slds-checkbox__label', for: id }, h('span', { class: 'slds-form-element__label' }, label)));
}

/** A labelled text input with optional help text; `attributes` go on the input. */
export function textInput(label, attributes, help) {
  const id = nextId('in');
  const helpId = help ? nextId('help') : null;
  return h('div', { class: 'slds-form-element' },
    h('label', { class: 'slds-form-element__label', for: id }, label),
    h('div', { class: 'slds-form-element__control' },
      h('input', { class: 'slds-input', type: 'text', id, 'aria-describedby': helpId, ...attributes })),
    help ? h('div', { class: 'slds-form-element__help', id: helpId }, help) : null);
}

/** A failed reply of the core as an error alert: Salesforce's error code, if any, and the message. */
export function failure(reply, prefix = '') {
  const code = reply?.errorCode ? `${reply.errorCode}: ` : '';
  return alert('error', 'error', `${prefix}${code}${reply?.message ?? 'The request failed.'}`);
}
