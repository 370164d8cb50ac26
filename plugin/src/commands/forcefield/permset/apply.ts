// `sf forcefield permset apply --spec`: the generator page's apply for a spec file: planned
// against the org as it is, confirmed on production (a prompt, or --no-prompt in a pipeline),
// then written through the core's journalled, all-or-nothing apply. The journal lives under the
// CLI's state directory, so an apply whose process was killed continues with --resume.
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { ForcefieldCommand, failure, inputError } from '../../../forcefield.js';
import { LICENSE_FLAG, blocked, drive, finish, integrationUserId, plan, readSpec, showPlan, type ApplyView, type Plan } from '../../../permset.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@forcefield/plugin-forcefield', 'forcefield.permset.apply');
const shared = Messages.loadMessages('@forcefield/plugin-forcefield', 'forcefield.permset');

export type ApplyResult = { apply: ApplyView; plan?: Plan; apiCalls: { command: number; apply: number } };

export default class PermsetApply extends ForcefieldCommand<ApplyResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    spec: Flags.file({ char: 's', summary: shared.getMessage('flags.spec.summary') }),
    assign: Flags.string({ char: 'a', summary: shared.getMessage('flags.assign.summary') }),
    license: Flags.option({ summary: shared.getMessage('flags.license.summary'), options: Object.keys(LICENSE_FLAG) as Array<keyof typeof LICENSE_FLAG> })(),
    'no-prompt': Flags.boolean({ summary: messages.getMessage('flags.no-prompt.summary') }),
    resume: Flags.boolean({ summary: messages.getMessage('flags.resume.summary'), exclusive: ['assign', 'license'] }),
  };

  public async run(): Promise<ApplyResult> {
    const { flags } = await this.parse(PermsetApply);
    const quiet = this.jsonEnabled();
    const org = await this.coreFor(flags['target-org']);
    if (flags.resume) {
      const setName = flags.spec === undefined ? undefined : (await readSpec(this, org, flags.spec)).name;
      const pending = await this.ask<{ type: string; applies: ApplyView[] }>(org, { type: 'pendingApplies', orgUrl: org.orgUrl }, ['applies']);
      const resumable = pending.applies.filter((a) => ['running', 'paused'].includes(a.status) && (setName === undefined || a.setName === undefined || a.setName === setName));
      if (resumable.length === 0) throw inputError(messages.getMessage('error.nothingToResume'));
      if (resumable.length > 1) throw inputError(messages.getMessage('error.severalToResume', [resumable.map((a) => a.setName ?? a.applyId).join(', ')]));
      const before = org.host.sent;
      const apply = await drive(this, org, { type: 'continueApply', orgUrl: org.orgUrl, applyId: resumable[0].applyId }, quiet);
      return { apply: finish(this, apply), apiCalls: { command: org.host.sent, apply: org.host.sent - before } };
    }
    if (flags.spec === undefined) throw inputError(messages.getMessage('error.noSpec'));
    const spec = await readSpec(this, org, flags.spec, flags.license);
    const assigneeId = flags.assign === undefined ? undefined : await integrationUserId(this, org, flags.assign);
    const planned = await plan(this, org, spec, assigneeId);
    if (!quiet) showPlan(this, planned);
    if (planned.blockers.length > 0) throw blocked(planned);
    let confirmed = false;
    if (planned.requiresConfirmation && planned.steps.length > 0) {
      if (flags['no-prompt']) confirmed = true;
      else if (!process.stdin.isTTY || quiet) throw inputError(messages.getMessage('error.confirmNeeded', [planned.org.orgName]));
      else if (await this.confirm({ message: messages.getMessage('prompt.production', [planned.org.orgName]) })) confirmed = true;
      else throw failure(messages.getMessage('error.declined'));
    }
    const before = org.host.sent;
    const apply = await drive(this, org, {
      type: 'startApply', orgUrl: org.orgUrl, spec, assigneeId: assigneeId ?? null, confirmedProduction: confirmed,
      fingerprint: planned.fingerprint ?? null,
    }, quiet);
    return { apply: finish(this, apply), plan: planned, apiCalls: { command: org.host.sent, apply: org.host.sent - before } };
  }
}
