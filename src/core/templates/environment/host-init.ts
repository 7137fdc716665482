// What an EC2 host runs at boot: the user data and the cfn-init metadata of each fleet's launch template, as the
// original wrote them (join the cluster, local dnsmasq DNS cache, SSM agent); the one deliberate difference is the
// cfn-hup.conf file mode (test/parity/deliberate-differences.ts). They only reach instances launched after a change.
import type { Fleet } from '../../naming.js';
import { fleetIds } from '../../naming.js';

/** The user data script (for `Fn::Base64` of `Fn::Sub`): bootstrap cfn-init, signal the group, install the SSM agent. */
export function hostUserData(fleet: Fleet): string {
  const ids = fleetIds(fleet);
  return [
    '#!/bin/bash',
    'yum update -y',
    'yum install -y aws-cfn-bootstrap',
    `/opt/aws/bin/cfn-init -v --region \${AWS::Region} --stack \${AWS::StackName} --resource ${ids.launchTemplate}`,
    `/opt/aws/bin/cfn-signal -e $? --region \${AWS::Region} --stack \${AWS::StackName} --resource ${ids.autoScalingGroup}`,
    'yum install -y https://s3.amazonaws.com/ec2-downloads-windows/SSMAgent/latest/linux_amd64/amazon-ssm-agent.rpm',
    'systemctl enable amazon-ssm-agent',
    'systemctl start amazon-ssm-agent',
    '',
  ].join('\n');
}

/** `/etc/ecs/ecs.config` lines: the cluster, reserved memory, log drivers, and the fleet as an instance attribute. */
function joinClusterCommand(fleet: Fleet): string {
  const lines = [
    'echo ECS_CLUSTER=${Cluster} >> /etc/ecs/ecs.config',
    'echo ECS_RESERVED_MEMORY=256 >> /etc/ecs/ecs.config',
    `echo ECS_AVAILABLE_LOGGING_DRIVERS='["awslogs","fluentd"]' >> /etc/ecs/ecs.config`,
    `echo ECS_INSTANCE_ATTRIBUTES='{"deployment_type": "${fleet.toLowerCase()}"}' >> /etc/ecs/ecs.config`,
  ];
  if (fleet === 'Spot') {
    lines.push('echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config');
  }
  return lines.join('\n');
}

const disableStubResolver = [
  '',
  'mkdir -pv /etc/systemd/resolved.conf.d',
  '',
  "cat <<'EOF' | tee /etc/systemd/resolved.conf.d/00-override.conf",
  '[Resolve]',
  'DNSStubListener=no',
  'MulticastDNS=no',
  'LLMNR=no',
  '',
  'EOF',
  '',
  'systemctl daemon-reload',
  'systemctl restart systemd-resolved',
].join('\n');

/**
 * Points the host (and bridge-mode containers, through the host's own address) at the local dnsmasq cache. The text
 * is the original's, byte for byte: a different script would be a metadata change on every existing launch template.
 */
function localNameserverCommand(region: string): string {
  return [
    '',
    'TOKEN=$(curl -X PUT "http://169.254.169.254/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
    'PRIMARY_IP=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/local-ipv4)',
    '',
    'unlink /etc/resolv.conf',
    '',
    'cat <<EOF | tee /etc/resolv.conf',
    'nameserver 127.0.0.1',
    'nameserver $PRIMARY_IP',
    'nameserver 169.254.169.253',
    'nameserver 8.8.8.8',
    `search ${region}.compute.internal`,
    'EOF',
    '',
  ].join('\n');
}

const dnsmasqConfig = [
  '# Server Configuration',
  'port=53',
  'user=dnsmasq',
  'group=dnsmasq',
  'pid-file=/var/run/dnsmasq.pid',
  'resolv-file=/etc/resolv.dnsmasq',
  'cache-size=1000',
  'neg-ttl=60',
  'domain-needed',
  'bogus-priv',
].join('\n');

/** The `AWS::CloudFormation::Init` metadata of a fleet's launch template (a JSON value; `Fn::Sub` where needed). */
export function hostInitMetadata(fleet: Fleet, region: string): Record<string, unknown> {
  const { launchTemplate } = fleetIds(fleet);
  const sub = (text: string): Record<string, string> => ({ 'Fn::Sub': text });
  return {
    'AWS::CloudFormation::Init': {
      config: {
        files: {
          '/etc/cfn/cfn-hup.conf': {
            content: sub('[main]\nstack=${AWS::StackId}\nregion=${AWS::Region}\n'),
            // The original wrote '256' (0400 in decimal), which cfn-init reads as octal 0256; this is the intent.
            mode: '000400',
            owner: 'root',
            group: 'root',
          },
          '/etc/cfn/hooks.d/cfn-auto-reloader.conf': {
            content: sub(
              '[cfn-auto-reloader-hook]\ntriggers=post.update\n' +
                'path=Resources.ContainerInstances.Metadata.AWS::CloudFormation::Init\n' +
                `action=/opt/aws/bin/cfn-init -v --region \${AWS::Region} --stack \${AWS::StackName} --resource ${launchTemplate}\n`,
            ),
          },
          '/etc/dnsmasq.conf': { content: sub(dnsmasqConfig) },
        },
        services: {
          sysvinit: {
            'cfn-hup': {
              enabled: true,
              ensureRunning: true,
              files: ['/etc/cfn/cfn-hup.conf', '/etc/cfn/hooks.d/cfn-auto-reloader.conf'],
            },
          },
        },
        commands: {
          '01_add_instance_to_cluster': { command: sub(joinClusterCommand(fleet)) },
          '02_set_nameserver': { command: 'echo "nameserver 169.254.169.253" > /etc/resolv.dnsmasq' },
          '03_install_dnsmasq_package': { command: 'yum install -y dnsmasq bind-utils' },
          '04_create_group': { command: 'groupadd -r -f dnsmasq' },
          '05_create_user': {
            command:
              'id -u dnsmasq &>/dev/null && (id -nG dnsmasq | grep -qw dnsmasq || usermod -a -G dnsmasq dnsmasq) || ' +
              'useradd -r -g dnsmasq dnsmasq',
          },
          '06_disable_systemd_resolved_stub_resolver': { command: disableStubResolver },
          '07_add_localhost_nameserver': { command: localNameserverCommand(region) },
          '08_enable_dnsmasq_service': {
            command: 'pidof systemd && systemctl enable dnsmasq.service || chkconfig dnsmasq on',
          },
          '09_start_dnsmasq_service': {
            command: 'pidof systemd && systemctl restart dnsmasq.service || service dnsmasq restart',
          },
        },
      },
    },
  };
}
