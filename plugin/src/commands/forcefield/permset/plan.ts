// `sf forcefield permset plan --spec`: the generator page's preview for a spec file: what an
// apply would create, update or delete and the API calls it takes. Reads the org, writes nothing.
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { ForcefieldCommand } from '../../../forcefield.js';
import { LICENSE_FLAG, blocked, integrationUserId, plan, readSpec, showPlan, type Plan, type Spec } from '../../../permset.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@forcefield/plugin-forcefield', 'forcefield.permset.plan');
const shared = Messages.loadMessages('@forcefield/plugin-forcefield', 'forcefield.permset');

/** The core's plan, with the spec it planned: the file as read, its license settled with --license. */
export type PlanResult = Plan & { spec: Spec };

export default class PermsetPlan extends ForcefieldCommand<PlanResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    spec: Flags.file({ char: 's', summary: shared.getMessage('flags.spec.summary'), required: true }),
    assign: Flags.string({ char: 'a', summary: shared.getMessage('flags.assign.summary') }),
    license: Flags.option({ summary: shared.getMessage('flags.license.summary'), options: Object.keys(LICENSE_FLAG) as Array<keyof typeof LICENSE_FLAG> })(),
  };

  public async run(): Promise<PlanResult> {
    const { flags } = await this.parse(PermsetPlan);
    const org = await this.coreFor(flags['target-org']);
    const spec = await readSpec(this, org, flags.spec, flags.license);
    const assigneeId = flags.assign === undefined ? undefined : await integrationUserId(this, org, flags.assign);
    const planned = await plan(this, org, spec, assigneeId);
    showPlan(this, planned);
    if (planned.blockers.length > 0) throw blocked(planned);
    return { ...planned, spec };
  }
}
