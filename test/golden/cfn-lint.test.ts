// Every golden template (test/golden/<kind>/<case>/template.json) must pass cfn-lint, checked in ONE cfn-lint call
// (it costs ~2 s to start and ~0.5 s per template). The only findings allowed are listed below, per kind, each with
// the reason byte-compatibility with the original's templates forces it; an entry nothing triggers any more fails
// the test, so the list cannot rot. cfn-lint is found through $CFN_LINT, the pyenv install, or PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = import.meta.dirname;

/** Rules a kind's templates may break, and why. Keys are the folder names under test/golden. */
const allowed: Record<string, Record<string, string>> = {
  environment: {
    W4001:
      'Metadata ParameterGroups names VPC, Subnet1 and Subnet2, which are not parameters; kept verbatim from the ' +
      'original for the templates it could produce.',
    W3010: "Subnet AvailabilityZone is a zone name, as the original wrote it; a different value replaces subnets.",
    W3005: 'The public route table DependsOn the VPC as well as Ref-ing it, as in the original.',
    W3687: 'SecurityEc2HostsIngress sets FromPort/ToPort -1 with protocol -1, as in the original.',
    W2001: 'Parameters Environment, InstanceTypes and the sizes of a skipped fleet are unused, as in the original.',
    W1020: 'The dnsmasq.conf content in cfn-init metadata is an Fn::Sub without variables, as in the original.',
  },
  service: {
    W2001: 'Environment and the subnet parameters are declared by every original service template, used or not.',
    W1020: 'Fn::Sub without variables, as the original wrote it.',
    E1041: 'TaskRoleArn is a Ref to the role (its name), as in the original; ECS accepts a role name there.',
  },
};

/** Finds the cfn-lint executable, or undefined. */
function findCfnLint(): string | undefined {
  const candidates = [process.env.CFN_LINT, '/root/.pyenv/versions/3.11.7/bin/cfn-lint', 'cfn-lint'];
  return candidates.find(
    (candidate) => candidate !== undefined && spawnSync(candidate, ['--version']).status === 0,
  );
}

function goldenTemplates(): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((kind) =>
      readdirSync(join(root, kind.name))
        .map((name) => join(root, kind.name, name, 'template.json'))
        .filter((file) => existsSync(file)),
    );
}

interface Finding {
  Rule: { Id: string };
  Filename: string;
  Message: string;
  Location: { Start: { LineNumber: number } };
}

describe('cfn-lint over every golden template', () => {
  it('finds nothing beyond the documented byte-compatibility exceptions', { timeout: 180_000 }, () => {
    const cfnLint = findCfnLint();
    expect(cfnLint, 'cfn-lint not found: install it (pip install cfn-lint) or set CFN_LINT').toBeDefined();
    const files = goldenTemplates();
    expect(files.length).toBeGreaterThan(0);
    const run = spawnSync(cfnLint ?? 'cfn-lint', ['--format', 'json', ...files], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim().startsWith('['), `cfn-lint did not report JSON:\n${run.stderr}`).toBe(true);
    const findings = JSON.parse(run.stdout) as Finding[];
    const kindOf = (file: string): string => relative(root, file).split(/[\\/]/)[0] ?? '';
    const unexpected = findings
      .filter((finding) => allowed[kindOf(finding.Filename)]?.[finding.Rule.Id] === undefined)
      .map(
        (finding) =>
          `${relative(root, finding.Filename)}:${finding.Location.Start.LineNumber} ${finding.Rule.Id} ${finding.Message}`,
      );
    expect(unexpected).toEqual([]);
    const stale = Object.entries(allowed).flatMap(([kind, rules]) =>
      Object.keys(rules)
        .filter((rule) => !findings.some((finding) => kindOf(finding.Filename) === kind && finding.Rule.Id === rule))
        .map((rule) => `${kind}: ${rule} is allowed but no longer found; remove it from the list`),
    );
    const kindsPresent = new Set(files.map(kindOf));
    expect(stale.filter((entry) => kindsPresent.has(entry.split(':')[0] ?? ''))).toEqual([]);
  });
});
