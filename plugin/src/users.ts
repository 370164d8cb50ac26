// The core's view of an integration user (src/cli/users.rs; the reply types are in
// src/protocol/cli.rs), as the users commands show it.
export type Warning = { code: string; message: string };

export type IntegrationUser = {
  id: string;
  username: string;
  name: string;
  active: boolean;
  profile: string | null;
  userLicense: string | null;
  integration: boolean;
  permissionSetLicenses: string[];
  permissionSets: string[];
  kinds: string[];
  reasons: string[];
  warnings: Warning[];
};

export type Verdict = 'healthy' | 'needsAttention' | 'notIntegration' | 'notFound';

/** One table row per user. */
export function row(user: IntegrationUser): Record<string, string> {
  return {
    username: user.username,
    name: user.name,
    active: user.active ? 'yes' : 'no',
    license: user.userLicense ?? '',
    'permission set licenses': user.permissionSetLicenses.join(', '),
    'permission sets': user.permissionSets.join(', '),
    warnings: user.warnings.map((w) => w.code).join(', '),
  };
}
