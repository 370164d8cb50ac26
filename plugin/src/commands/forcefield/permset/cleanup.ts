// `sf forcefield permset cleanup`: finishes the undo of applies that failed and could not undo
// everything (session expired, API allowance spent), as "Finish clean-up" does on the generator
// page. An apply that was interrupted while writing is resumed with `permset apply --resume`.
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { ForcefieldCommand } from '../../../forcefield.js';
import { drive, type ApplyView } from '../../../permset.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@forcefield/plugin-forcefield', 'forcefield.permset.cleanup');

export type CleanupResult = { applies: ApplyView[] };

export default class PermsetCleanup extends ForcefieldCommand<CleanupResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
  };

  public async run(): Promise<CleanupResult> {
    const { flags } = await this.parse(PermsetCleanup);
    const quiet = this.jsonEnabled();
    const org = await this.coreFor(flags['target-org']);
    const pending = await this.ask<{ type: string; applies: ApplyView[] }>(org, { type: 'pendingApplies', orgUrl: org.orgUrl }, ['applies']);
    if (pending.applies.length === 0) {
      this.logSuccess(messages.getMessage('nothing'));
      return { applies: [] };
    }
    const applies: ApplyView[] = [];
    for (const apply of pending.applies) {
      const name = apply.setName ?? apply.applyId;
      if (apply.status === 'cleanupNeeded') {
        const after = await drive(this, org, { type: 'finishCleanUp', orgUrl: org.orgUrl, applyId: apply.applyId }, quiet);
        applies.push(after);
        if (after.status === 'rolledBack') this.logSuccess(messages.getMessage('cleaned', [name]));
        else {
          this.log(after.message ?? messages.getMessage('stillPending', [name]));
          for (const record of after.remaining) this.log(`  ${record.sobjectType} ${record.id} ${record.url}`);
          this.needsAttention();
        }
      } else {
        applies.push(apply);
        this.log(messages.getMessage(['running', 'paused'].includes(apply.status) ? 'resume' : 'decide', [name, apply.status]));
        this.needsAttention();
      }
    }
    return { applies };
  }
}
