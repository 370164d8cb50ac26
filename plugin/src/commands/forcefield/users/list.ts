// `sf forcefield users list`: every user Forcefield marks in the org (integration license, API
// only, the integration permission set license), read page by page however many users the org
// has, with licenses, permission sets and the health warnings of its badges.
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { ForcefieldCommand } from '../../../forcefield.js';
import { row, type IntegrationUser } from '../../../users.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@forcefield/plugin-forcefield', 'forcefield.users.list');

export type UsersListResult = { users: IntegrationUser[]; scanned: number; needsAttention: number };

export default class UsersList extends ForcefieldCommand<UsersListResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
  };

  public async run(): Promise<UsersListResult> {
    const { flags } = await this.parse(UsersList);
    const org = await this.coreFor(flags['target-org']);
    const reply = await this.ask<{ type: string; users: IntegrationUser[]; scanned: number }>(org,
      { type: 'integrationUsers', orgUrl: org.orgUrl }, ['integrationUsers']);
    const needsAttention = reply.users.filter((user) => user.integration && user.warnings.length > 0).length;
    if (reply.users.length === 0) {
      this.log(messages.getMessage('none', [reply.scanned]));
    } else {
      this.table({ data: reply.users.map(row), title: messages.getMessage('title', [reply.users.length, reply.scanned]) });
    }
    if (needsAttention > 0) {
      this.log(messages.getMessage('attention', [needsAttention]));
      this.needsAttention();
    }
    return { users: reply.users, scanned: reply.scanned, needsAttention };
  }
}
