// The cluster load balancers services share with `alb_mode: cluster`: one internal and one internet-facing ALB, each
// with its security group, an ingress rule to the hosts, an HTTP and an HTTPS listener (404 until a service adds a
// host-header rule), and outputs the service template reads.
import type { ClusterAlbScheme } from '../../naming.js';
import { clusterAlbIds, clusterAlbSchemes } from '../../naming.js';
import type { Build, Network } from './context.js';
import { addOutput, rawProperty, ref, setTags } from './context.js';

const notFound = {
  type: 'fixed-response',
  fixedResponseConfig: {
    contentType: 'text/plain',
    statusCode: '404',
    messageBody: 'No matching host found',
  },
};

function addAlbSecurityGroup(build: Build, scheme: ClusterAlbScheme, network: Network): string {
  const { stack, cdk, env, ids, team } = build;
  const albIds = clusterAlbIds(env, scheme);
  const group = new cdk.aws_ec2.CfnSecurityGroup(stack, albIds.securityGroup, {
    groupName: albIds.securityGroup,
    groupDescription: `Security group for ${albIds.alb} ALB in ${env} environment`,
    vpcId: network.vpcRef,
    securityGroupIngress: [
      { ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIp: '0.0.0.0/0' },
      { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' },
    ],
    securityGroupEgress: [{ ipProtocol: '-1', cidrIp: '0.0.0.0/0' }],
  });
  // The original's order (troposphere sorted these keys by code point: upper case first).
  setTags(group, [
    ['Name', albIds.securityGroup],
    ['Team', team],
    ['category', 'cluster'],
    ['environment', env],
  ]);
  // The original wrote the ports as strings.
  for (const [index, port] of ['80', '443'].entries()) {
    rawProperty(group, `SecurityGroupIngress.${index}.FromPort`, port);
    rawProperty(group, `SecurityGroupIngress.${index}.ToPort`, port);
  }
  const hostsIngress = new cdk.aws_ec2.CfnSecurityGroupIngress(stack, albIds.hostsIngress, {
    description: `Allow traffic from ${albIds.alb} ALB to EC2Hosts Security Group`,
    groupId: ref(build, ids.hostsSecurityGroup),
    sourceSecurityGroupId: group.ref,
    ipProtocol: '-1',
  });
  // FromPort/ToPort are create-only: leaving out the original's '-1' would replace both rules of every environment
  // it created on the first update (and its next update would replace them back).
  rawProperty(hostsIngress, 'FromPort', '-1');
  rawProperty(hostsIngress, 'ToPort', '-1');
  addOutput(build, albIds.securityGroupOutput, {
    description: `ID of the ${albIds.securityGroup} security group`,
    value: group.ref,
  });
  return group.ref;
}

function addListeners(build: Build, scheme: ClusterAlbScheme, albRef: string): void {
  const { stack, cdk, env, config } = build;
  const albIds = clusterAlbIds(env, scheme);
  const http = new cdk.aws_elasticloadbalancingv2.CfnListener(stack, albIds.httpListener, {
    loadBalancerArn: albRef,
    port: 80,
    protocol: 'HTTP',
    defaultActions: [
      scheme === 'internal'
        ? notFound
        : { type: 'redirect', redirectConfig: { statusCode: 'HTTP_301', protocol: 'HTTPS', port: '443' } },
    ],
  });
  const https = new cdk.aws_elasticloadbalancingv2.CfnListener(stack, albIds.httpsListener, {
    loadBalancerArn: albRef,
    port: 443,
    protocol: 'HTTPS',
    defaultActions: [notFound],
    sslPolicy: 'ELBSecurityPolicy-FS-1-2-Res-2019-08',
    certificates: [{ certificateArn: config.environment.ssl_certificate_arn }],
  });
  addOutput(build, albIds.httpListenerOutput, {
    description: `ARN of the ${albIds.httpListener} listener`,
    value: http.ref,
  });
  addOutput(build, albIds.httpsListenerOutput, {
    description: `ARN of the ${albIds.httpsListener} listener`,
    value: https.ref,
  });
}

/** Adds the internal ALB on the private subnets and the public one on the public subnets. */
export function addClusterAlbs(build: Build, network: Network): void {
  const { stack, cdk, env, team } = build;
  for (const scheme of clusterAlbSchemes) {
    const albIds = clusterAlbIds(env, scheme);
    const securityGroupRef = addAlbSecurityGroup(build, scheme, network);
    const subnets = scheme === 'internal' ? network.privateSubnets : network.publicSubnets;
    const alb = new cdk.aws_elasticloadbalancingv2.CfnLoadBalancer(stack, albIds.alb, {
      name: albIds.alb,
      type: 'application',
      scheme: scheme === 'internal' ? 'internal' : 'internet-facing',
      subnets: subnets.map((subnet) => subnet.ref),
      securityGroups: [securityGroupRef],
    });
    setTags(alb, [
      ['Name', albIds.alb],
      ['environment', env],
      ['Team', team],
    ]);
    addOutput(build, albIds.albOutput, { description: `ARN of the ${albIds.alb} ALB`, value: alb.ref });
    addListeners(build, scheme, alb.ref);
  }
}
