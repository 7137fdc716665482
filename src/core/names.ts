// Checks environment and app names against what the AWS names built from them allow, and recognises AMI ids.

/**
 * An environment name ends up in the stack name `cluster-<env>` (letters, digits, dashes; at most 128) and in the
 * SSM path `/<env>/<app>/`. Returns a problem description, or undefined when the name is usable.
 */
export function checkEnvironmentName(name: string): string | undefined {
  if (name === '') {
    return 'it is empty';
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name)) {
    return 'only letters, digits and dashes are allowed, and it must start with a letter or digit';
  }
  if (name.length > 100) {
    return 'it is longer than 100 characters';
  }
  return undefined;
}

/**
 * An app name is the stack prefix `<app>-<env>` (must start with a letter) and the ECR repository `<app>-repo`
 * (lower case only). Returns a problem description, or undefined when the name is usable.
 */
export function checkAppName(name: string): string | undefined {
  if (name === '') {
    return 'it is empty';
  }
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    return 'ECR repository names need lower-case letters, digits and dashes, starting with a letter';
  }
  if (name.includes('--') || name.endsWith('-')) {
    return 'ECR repository names cannot have two dashes in a row or end with a dash';
  }
  if (name.length > 100) {
    return 'it is longer than 100 characters';
  }
  return undefined;
}

/** True for an EC2 image id (`ami-` and 8 to 17 hex digits). */
export function isAmiId(text: string): boolean {
  return /^ami-[0-9a-f]{8,17}$/.test(text);
}
