// Every golden template (test/golden/<kind>/<case>/template.json) must pass cfn-lint, checked in ONE cfn-lint call
// (it costs ~2 s to start and ~0.5 s per template). The only findings allowed are listed below, per kind and scoped
// to the resources that need them, each with the reason byte-compatibility with the original's templates forces it;
// an entry nothing triggers any more fails the test, so the list cannot rot. cfn-lint is found through $CFN_LINT, the pyenv install, or PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = import.meta.dirname;

/** One allowed finding: a rule, where it may occur (a pattern over the finding's template path), and why. */
interface Allowance {
  rule: string;
  /** Matched against `Resources/<LogicalId>/Properties/...` (the finding's Location.Path joined by `/`). */
  at: RegExp;
  reason: string;
}

/**
 * Findings the byte-compatible templates must keep, per kind (folder under test/golden), each scoped to the
 * resources (or parameters) that need it: the same rule anywhere else is a failure, so a new violation is caught.
 * Scoped here rather than with `Metadata: {cfn-lint: ...}` on the resources: metadata would change the templates of
 * existing stacks (and the golden files) only to quiet a linter.
 */
const allowed: Record<string, Allowance[]> = {
  environment: [
    { rule: 'W4001', at: /^Metadata\/AWS::CloudFormation::Interface\/(ParameterGroups\/0\/Parameters\/\d+|ParameterLabels\/(VPC|Subnet1|Subnet2))$/,
      reason: 'The console metadata names VPC, Subnet1 and Subnet2, which are not parameters; verbatim from the original.' },
    { rule: 'W3010', at: /^Resources\/[A-Za-z0-9]+(Public|Private)Subnet[12]\/Properties\/AvailabilityZone$/,
      reason: 'The created subnets name their zone, as the original wrote it; a different value replaces the subnets.' },
    { rule: 'W3005', at: /^Resources\/[A-Za-z0-9]+Public\/DependsOn$/,
      reason: 'The public route table <env>Public DependsOn the VPC as well as Ref-ing it, as in the original.' },
    { rule: 'W3687', at: /^Resources\/(SecurityEc2HostsIngress|(Internal|Public)ALB1[A-Za-z0-9]+ToEC2HostsIngress)\/Properties\/(FromPort|ToPort)$/,
      reason: 'The hosts\' ingress rules set FromPort/ToPort -1 with protocol -1, as in the original; both are create-only, so leaving them out replaces the rules.' },
    { rule: 'W2001', at: /^Parameters\/(Environment|InstanceTypes|OnDemandMinSize|OnDemandMaxSize|SpotMinSize|SpotMaxSize)$/,
      reason: 'Environment, InstanceTypes and the sizes of a skipped fleet are declared but unused, as in the original.' },
    { rule: 'W1020', at: /^Resources\/LaunchTemplate(OnDemand|Spot)\/Metadata\/AWS::CloudFormation::Init\/config\/files\/\/etc\/dnsmasq\.conf\/content\/Fn::Sub$/,
      reason: 'The launch templates\' dnsmasq.conf (cfn-init) is an Fn::Sub without variables, as in the original.' },
  ],
  service: [
    { rule: 'W2001', at: /^Parameters\/(Environment|NotificationSnsArn|VPC|PublicSubnet[12]|PrivateSubnet[12])$/,
      reason: 'Every original service template declares Environment, the topic, the VPC and subnets, used or not.' },
    { rule: 'W1020', at: /^Resources\/SG[A-Za-z0-9]+\/Properties\/GroupDescription\/Fn::Sub$/,
      reason: 'The dedicated ALB security group SG<env><Svc> has GroupDescription Fn::Sub "<Svc>-alb-sg", as in the original.' },
    { rule: 'E1041', at: /^Resources\/[A-Za-z0-9]+TaskDefinition\/Properties\/TaskRoleArn$/,
      reason: '<Svc>TaskDefinition TaskRoleArn is a Ref to <Svc>Role (its name), as in the original; ECS accepts a name.' },
  ],
}; // prettier-ignore

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
  Location: { Start: { LineNumber: number }; Path?: (string | number)[] };
}

/** The finding's place in the template, e.g. `Resources/WebTaskDefinition/Properties/TaskRoleArn`. */
const pathOf = (finding: Finding): string => (finding.Location.Path ?? []).join('/');

/** The kind (folder under test/golden) of a template file. */
const kindOf = (file: string): string => relative(root, file).split(/[\\/]/)[0] ?? '';

/** The allowance that covers a finding, if any. */
const allowanceOf = (finding: Finding): Allowance | undefined =>
  allowed[kindOf(finding.Filename)]?.find(
    (entry) => entry.rule === finding.Rule.Id && entry.at.test(pathOf(finding)),
  );

/** A finding as a line of the failure message. */
const describeFinding = (finding: Finding): string =>
  `${relative(root, finding.Filename)}:${finding.Location.Start.LineNumber} ${finding.Rule.Id} ` +
  `${pathOf(finding)}: ${finding.Message}`;

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
    const unexpected = findings.filter((finding) => allowanceOf(finding) === undefined).map(describeFinding);
    expect(unexpected).toEqual([]);
    const used = new Set(findings.map(allowanceOf));
    const stale = Object.entries(allowed).flatMap(([kind, entries]) =>
      entries
        .filter((entry) => !used.has(entry))
        .map((entry) => `${kind}: ${entry.rule} at ${entry.at.source} is allowed but no longer found; remove it`),
    );
    const kindsPresent = new Set(files.map(kindOf));
    expect(stale.filter((entry) => kindsPresent.has(entry.split(':')[0] ?? ''))).toEqual([]);
  });

  it('allows a rule only where it is scoped: the same rule on another resource is reported', () => {
    const finding = (rule: string, kind: string, path: (string | number)[]): Finding => ({
      Rule: { Id: rule },
      Filename: join(root, kind, 'case', 'template.json'),
      Message: 'synthetic',
      Location: { Start: { LineNumber: 1 }, Path: path },
    });
    expect(allowanceOf(finding('E1041', 'service', ['Resources', 'WebTaskDefinition', 'Properties', 'TaskRoleArn']))).toBeDefined();
    expect(allowanceOf(finding('W1020', 'service', ['Resources', 'SGstagingWeb', 'Properties', 'GroupDescription', 'Fn::Sub']))).toBeDefined();
    // The same rules elsewhere, which a per-kind list let through:
    expect(allowanceOf(finding('W1020', 'service', ['Resources', 'WebTaskDefinition', 'Properties', 'Family', 'Fn::Sub']))).toBeUndefined();
    expect(allowanceOf(finding('E1041', 'service', ['Resources', 'Web', 'Properties', 'Role']))).toBeUndefined();
    expect(allowanceOf(finding('W2001', 'service', ['Parameters', 'SomethingNew']))).toBeUndefined();
    expect(allowanceOf(finding('W3010', 'environment', ['Resources', 'Cluster', 'Properties', 'AvailabilityZone']))).toBeUndefined();
    expect(allowanceOf(finding('E1041', 'environment', ['Resources', 'WebTaskDefinition', 'Properties', 'TaskRoleArn']))).toBeUndefined();
  }); // prettier-ignore
});
