// `sf forcefield users check --user`: one integration user's health report, exit 3 when their
// setup needs attention so a pipeline can gate on it.
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { ForcefieldCommand, inputError } from '../../../forcefield.js';
import type { IntegrationUser, Verdict } from '../../../users.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@forcefield/plugin-forcefield', 'forcefield.users.check');

export type UsersCheckResult = { verdict: Verdict; user: IntegrationUser };

export default class UsersCheck extends ForcefieldCommand<UsersCheckResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    user: Flags.string({ char: 'u', summary: messages.getMessage('flags.user.summary'), required: true }),
  };

  public async run(): Promise<UsersCheckResult> {
    const { flags } = await this.parse(UsersCheck);
    const org = await this.coreFor(flags['target-org']);
    const reply = await this.ask<{ type: string; verdict: Verdict; user: IntegrationUser | null }>(org,
      { type: 'checkUser', orgUrl: org.orgUrl, user: flags.user }, ['userCheck']);
    const user = reply.user;
    if (reply.verdict === 'notFound' || !user) throw inputError(messages.getMessage('error.notFound', [flags.user]));
    if (reply.verdict === 'notIntegration') {
      throw inputError(messages.getMessage('error.notIntegration', [user.username, user.userLicense ?? messages.getMessage('noLicense')]));
    }
    this.styledHeader(messages.getMessage('header', [user.name, user.username]));
    for (const reason of user.reasons) this.log(`  ${reason}`);
    this.log(messages.getMessage('holds', [user.permissionSetLicenses.join(', ') || '—', user.permissionSets.join(', ') || '—']));
    if (reply.verdict === 'needsAttention') {
      for (const warning of user.warnings) this.log(`  ⚠ ${warning.message}`);
      this.log(messages.getMessage('attention'));
      this.needsAttention();
    } else {
      this.logSuccess(messages.getMessage('healthy'));
    }
    return { verdict: reply.verdict, user };
  }
}
