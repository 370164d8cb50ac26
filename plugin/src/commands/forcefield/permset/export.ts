// `sf forcefield permset export`: a permission set of the org as the Metadata API file
// `sf project deploy start` takes (salesforce.md §E), written by the core exactly as the
// generator page exports it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { ForcefieldCommand, inputError } from '../../../forcefield.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@forcefield/plugin-forcefield', 'forcefield.permset.export');

export type ExportResult = { name: string; path: string; warnings: string[] };

type PermissionSetChoice = { id: string; name: string; label: string };

export default class PermsetExport extends ForcefieldCommand<ExportResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
    'output-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.output-dir.summary'), required: true }),
  };

  public async run(): Promise<ExportResult> {
    const { flags } = await this.parse(PermsetExport);
    const org = await this.coreFor(flags['target-org']);
    const context = await this.ask<{ type: string; permissionSets: PermissionSetChoice[] }>(org, { type: 'generatorContext', orgUrl: org.orgUrl }, ['generatorContext']);
    const found = context.permissionSets.find((set) => set.name === flags.name);
    if (!found) throw inputError(messages.getMessage('error.notFound', [flags.name]));
    const access = await this.ask<{ type: string; spec: unknown; warnings: string[] }>(org,
      { type: 'loadAccess', orgUrl: org.orgUrl, source: { permissionSetId: found.id } }, ['spec']);
    const file = await this.ask<{ type: string; fileName: string; xml: string }>(org, { type: 'exportXml', spec: access.spec }, ['xml']);
    const dir = resolve(flags['output-dir']);
    await mkdir(dir, { recursive: true });
    const path = join(dir, file.fileName);
    await writeFile(path, file.xml, 'utf8');
    for (const warning of access.warnings) this.warn(warning);
    this.logSuccess(messages.getMessage('success', [found.name, path]));
    return { name: found.name, path, warnings: access.warnings };
  }
}
