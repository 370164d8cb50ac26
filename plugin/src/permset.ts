// What the permset commands share: a spec file read by the core, the assignee resolved by the
// core, the preview as the generator page shows it, and the apply driven through the core's
// journalled protocol exactly as the generator page drives it (`startApply`, then `continueApply`
// while it runs; `finishCleanUp` after a failed undo), one driver per apply.
import { open, readFile, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Messages } from '@salesforce/core';
import { failure, inputError, stateDir, type ForcefieldCommand, type OrgCore } from './forcefield.js';
import type { IntegrationUser, Verdict } from './users.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@forcefield/plugin-forcefield', 'forcefield.permset');

/** The core's spec (src/model.rs), passed through as it gave it. */
export type Spec = { name: string; label: string; license?: string } & Record<string, unknown>;

export type PlanStep = { id: string; kind: string; sobjectType: string; action: string; count: number; description: string };
export type Finding = string | { code: string; message: string };
export type Plan = {
  org: { orgId: string; orgName: string; isProduction: boolean; apiHost: string; kind: string };
  permissionSet: { action: string; id?: string; name: string; label: string };
  steps: PlanStep[];
  apiCalls: { reads: number; writes: number };
  warnings: Finding[];
  blockers: Finding[];
  requiresConfirmation: boolean;
  excludedFields: Array<{ field: string; reason: string }>;
  fingerprint?: string;
} & Record<string, unknown>;

export type StepProgress = { id: string; description: string; state: string; done: number; total: number; error?: { errorCode: string; message: string } };
export type ApplyView = {
  applyId: string;
  setName?: string;
  status: string;
  steps: StepProgress[];
  remaining: Array<{ sobjectType: string; id: string; url: string }>;
  attention?: Array<{ item: number; reason: string; sobjectType: string; id?: string; evidence: string }>;
  permissionSetId?: string;
  message?: string;
} & Record<string, unknown>;

/** `--license` values and the core's names for them. */
export const LICENSE_FLAG: Record<string, string> = { none: 'none', 'api-integration': 'integrationPsl' };

export function text(finding: Finding): string {
  return typeof finding === 'string' ? finding : finding.message;
}

/** The spec in `path`, read by the core; a missing or unusable file is bad input (exit 2). */
export async function readSpec(command: ForcefieldCommand<unknown>, org: OrgCore, path: string, license?: string): Promise<Spec> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw inputError(code === 'ENOENT' ? messages.getMessage('error.noSpecFile', [path]) : messages.getMessage('error.unreadableSpec', [path, String(error)]));
  }
  const reply = await command.ask<{ type: string; spec: Spec; warnings: string[]; message?: string }>(org,
    { type: 'readSpec', fileName: basename(path), text: content, license: license === undefined ? null : LICENSE_FLAG[license] },
    ['spec', 'specRefused']);
  if (reply.type === 'specRefused') throw inputError(String(reply.message));
  for (const warning of reply.warnings) command.warn(warning);
  return reply.spec;
}

/** Refuses (exit 2, nothing written) a spec naming an object or field the org doesn't have:
 * the core checks its names against the org's describes. */
export async function checkNames(command: ForcefieldCommand<unknown>, org: OrgCore, spec: Spec): Promise<void> {
  const reply = await command.ask<{ type: string; message?: string }>(org,
    { type: 'checkSpecNames', orgUrl: org.orgUrl, spec }, ['specFits', 'specRefused']);
  if (reply.type === 'specRefused') throw inputError(String(reply.message));
}

/** The Id of the integration user `user` (username or Id); anyone else is bad input. */
export async function integrationUserId(command: ForcefieldCommand<unknown>, org: OrgCore, user: string): Promise<string> {
  const reply = await command.ask<{ type: string; verdict: Verdict; user: IntegrationUser | null }>(org,
    { type: 'checkUser', orgUrl: org.orgUrl, user }, ['userCheck']);
  if (reply.verdict === 'notFound' || !reply.user) throw inputError(messages.getMessage('error.noUser', [user]));
  if (reply.verdict === 'notIntegration') {
    throw inputError(messages.getMessage('error.notIntegration', [reply.user.username, reply.user.userLicense ?? '?']));
  }
  return reply.user.id;
}

/** The plan of `spec` against the org now, once its names are checked; reads, writes nothing. */
export async function plan(command: ForcefieldCommand<unknown>, org: OrgCore, spec: Spec, assigneeId?: string): Promise<Plan> {
  await checkNames(command, org, spec);
  const reply = await command.ask<{ type: string; plan: Plan }>(org,
    { type: 'planPermissionSet', orgUrl: org.orgUrl, spec, assigneeId: assigneeId ?? null }, ['plan']);
  return reply.plan;
}

/** The preview, in the words the generator page uses. */
export function showPlan(command: ForcefieldCommand<unknown>, planned: Plan): void {
  const set = planned.permissionSet;
  command.styledHeader(messages.getMessage('plan.header', [planned.org.orgName, planned.org.apiHost, planned.org.kind]));
  command.log(messages.getMessage(`plan.set.${set.action}`, [set.label, set.name]));
  if (planned.steps.length === 0) command.log(messages.getMessage('plan.nothing'));
  for (const step of planned.steps) command.log(`  ${step.description} (${step.count} ${step.sobjectType})`);
  command.log(messages.getMessage('plan.calls', [planned.apiCalls.reads, planned.apiCalls.writes]));
  for (const excluded of planned.excludedFields) command.log(messages.getMessage('plan.excluded', [excluded.field, excluded.reason]));
  for (const warning of planned.warnings) command.warn(text(warning));
  for (const blocker of planned.blockers) command.log(messages.getMessage('plan.blocker', [text(blocker)]));
}

/** A plan that can't be applied as given: its blockers, exit 2, nothing written. */
export function blocked(planned: Plan): Error {
  const error = inputError(messages.getMessage('error.blocked', [planned.blockers.map(text).join(' ')]));
  error.setData(JSON.parse(JSON.stringify(planned)) as Record<string, never>);
  return error;
}

/**
 * Holds the right to drive one apply for as long as this process lives: a lock file naming this
 * process, taken over when the process named in it is gone (killed), refused while it runs. The
 * generator page holds a Web Lock per apply for the same reason.
 */
export async function driveLock(applyId: string): Promise<() => Promise<void>> {
  const path = join(stateDir(), `apply-${encodeURIComponent(applyId)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600);
      await file.writeFile(String(process.pid));
      await file.close();
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
        throw failure(messages.getMessage('error.busy', [applyId, holder]));
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw failure(messages.getMessage('error.busy', [applyId, '?']));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Drives an apply until it stops running: sends `first`, then `continueApply` while the status is
 * `running`, printing each step as it finishes (on stderr, so stdout stays the result).
 */
export async function drive(command: ForcefieldCommand<unknown>, org: OrgCore, first: { type: string; applyId?: string } & Record<string, unknown>, quiet: boolean): Promise<ApplyView> {
  // A known apply is locked before its first call; a new one (`startApply` writes nothing but
  // its journal) as soon as the core has named it.
  let release = first.applyId === undefined ? undefined : await driveLock(first.applyId);
  try {
    // An apply engine that checks the preview's fingerprint answers `startApply` with the new
    // preview (`plan`) instead of writing when the org changed since: nothing was written.
    const started = await command.ask<{ type: string; apply: ApplyView; plan?: Plan }>(org, first, ['applyProgress', 'plan']);
    if (started.type === 'plan') {
      const error = failure(messages.getMessage('error.changedSincePreview'));
      error.setData(JSON.parse(JSON.stringify(started.plan ?? {})) as Record<string, never>);
      throw error;
    }
    let reply = started;
    release ??= await driveLock(reply.apply.applyId);
    const shown = new Map<string, string>();
    for (;;) {
      const apply = reply.apply;
      if (!quiet) {
        for (const step of apply.steps) {
          if (shown.get(step.id) === step.state || step.state === 'pending') continue;
          shown.set(step.id, step.state);
          const count = step.total ? ` (${step.done} of ${step.total})` : '';
          command.logToStderr(messages.getMessage(`progress.${step.state}`, [step.description + count]));
        }
      }
      if (apply.status !== 'running') return apply;
      reply = await command.ask<{ type: string; apply: ApplyView }>(org, { type: 'continueApply', orgUrl: org.orgUrl, applyId: apply.applyId }, ['applyProgress']);
    }
  } finally {
    await release?.();
  }
}

/** Exit code of a stopped apply: done 0; failed or rolled back 1 (the org is as before); 3 when
 * something is left for the admin (a paused apply, an unfinished undo, records to decide on). */
export function finish(command: ForcefieldCommand<unknown>, apply: ApplyView): ApplyView {
  switch (apply.status) {
    case 'done':
      command.logSuccess(apply.message ?? messages.getMessage('status.done'));
      return apply;
    case 'failed':
    case 'rolledBack': {
      const error = failure(apply.message ?? messages.getMessage(`status.${apply.status}`));
      error.setData(JSON.parse(JSON.stringify(apply)) as Record<string, never>);
      throw error;
    }
    default:
      command.log(apply.message ?? messages.getMessage('status.attention'));
      for (const record of apply.remaining) command.log(`  ${record.sobjectType} ${record.id} ${record.url}`);
      for (const item of apply.attention ?? []) command.log(`  ${item.sobjectType} ${item.id ?? ''}: ${item.evidence}`);
      process.exitCode = 3;
      return apply;
  }
}
