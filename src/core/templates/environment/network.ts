// The environment network: a VPC with two public and two private subnets, an internet gateway and one NAT gateway
// (the original's layout and logical ids), or — ours — an existing VPC and subnets passed in as parameters.
import type { ExistingVpcConfig, NewVpcConfig } from '../../config/environment.js';
import { existingVpcSubnets, isExistingVpc, newVpcSubnets } from '../../config/environment.js';
import type { Build, Network, SubnetHandle } from './context.js';
import { ref, setTags } from './context.js';

function createVpc(build: Build, vpc: NewVpcConfig): string {
  const { stack, cdk, env, ids, team } = build;
  const resource = new cdk.aws_ec2.CfnVPC(stack, ids.vpc, {
    cidrBlock: vpc.cidr,
    enableDnsSupport: true,
    enableDnsHostnames: true,
    instanceTenancy: 'default',
  });
  setTags(resource, [
    ['category', 'services'],
    ['environment', env],
    ['Team', team],
    ['Name', `${env}-vpc`],
  ]);
  const gateway = new cdk.aws_ec2.CfnInternetGateway(stack, ids.internetGateway, {});
  setTags(gateway, [
    ['Name', `${env}-internet-gateway`],
    ['environment', env],
    ['Team', team],
  ]);
  new cdk.aws_ec2.CfnVPCGatewayAttachment(stack, ids.gatewayAttachment, {
    internetGatewayId: ref(build, ids.internetGateway),
    vpcId: resource.ref,
  });
  return resource.ref;
}

/**
 * One side's subnets, route table and associations. The original alternates zones starting with the SECOND one
 * (subnet-1 → zone b, subnet-2 → zone a); keeping that keeps existing subnets where they are.
 */
function createSubnets(
  build: Build,
  vpcRef: string,
  side: 'public' | 'private',
  vpc: NewVpcConfig,
): SubnetHandle[] {
  const { stack, cdk, env, ids, team, facts } = build;
  const routeTableId = side === 'public' ? ids.publicRouteTable : ids.privateRouteTable;
  const routeTable = new cdk.aws_ec2.CfnRouteTable(stack, routeTableId, { vpcId: vpcRef });
  setTags(routeTable, [
    ['Name', `${env}-${side}`],
    ['environment', env],
    ['Team', team],
  ]);
  if (side === 'public') {
    routeTable.addOverride('DependsOn', ids.vpc);
  }
  // Natural key order, so the template never depends on the order DynamoDB returns map keys in.
  return newVpcSubnets(vpc, side).map(({ key, cidr }, index) => {
    const position = index + 1;
    const logicalId = side === 'public' ? ids.publicSubnet(key) : ids.privateSubnet(key);
    const subnet = new cdk.aws_ec2.CfnSubnet(stack, logicalId, {
      availabilityZone: facts.availabilityZones[position % 2 === 0 ? 0 : 1],
      cidrBlock: cidr,
      vpcId: vpcRef,
      mapPublicIpOnLaunch: side === 'public',
    });
    setTags(subnet, [
      ['Name', `${env}-${side}-${position}`],
      ['environment', env],
      ['Team', team],
    ]);
    new cdk.aws_ec2.CfnSubnetRouteTableAssociation(
      stack,
      side === 'public' ? ids.publicSubnetAssociation(position) : ids.privateSubnetAssociation(position),
      { routeTableId: routeTable.ref, subnetId: subnet.ref },
    );
    return { key, ref: subnet.ref };
  });
}

function createNetwork(build: Build, vpc: NewVpcConfig): Network {
  const { stack, cdk, env, ids, team } = build;
  const vpcRef = createVpc(build, vpc);
  const publicSubnets = createSubnets(build, vpcRef, 'public', vpc);
  new cdk.aws_ec2.CfnRoute(stack, ids.internetGatewayRoute, {
    destinationCidrBlock: '0.0.0.0/0',
    gatewayId: ref(build, ids.internetGateway),
    routeTableId: ref(build, ids.publicRouteTable),
  });
  const privateSubnets = createSubnets(build, vpcRef, 'private', vpc);
  const nat = new cdk.aws_ec2.CfnNatGateway(stack, ids.natGateway, {
    allocationId: vpc['nat-gateway']['elastic-ip-allocation-id'],
    subnetId: publicSubnets[0]?.ref ?? '',
  });
  setTags(nat, [
    ['Name', `${env}-nat-gateway`],
    ['environment', env],
    ['Team', team],
  ]);
  new cdk.aws_ec2.CfnRoute(stack, ids.natRoute, {
    destinationCidrBlock: '0.0.0.0/0',
    natGatewayId: nat.ref,
    routeTableId: ref(build, ids.privateRouteTable),
  });
  return { vpcRef, publicSubnets, privateSubnets };
}

/** Ours: an existing VPC's ids become parameters (defaults from the config), so nothing in it is created or changed. */
function existingNetwork(build: Build, vpc: ExistingVpcConfig): Network {
  const { stack, cdk, ids } = build;
  const vpcParameter = new cdk.CfnParameter(stack, ids.vpc, {
    type: 'AWS::EC2::VPC::Id',
    default: vpc.id,
    description: 'The existing VPC the environment uses',
  });
  const subnetParameters = (side: 'public' | 'private'): SubnetHandle[] =>
    existingVpcSubnets(vpc, side).map(({ key, id }) => {
      const logicalId = side === 'public' ? ids.publicSubnet(key) : ids.privateSubnet(key);
      const parameter = new cdk.CfnParameter(stack, logicalId, {
        type: 'AWS::EC2::Subnet::Id',
        default: id,
        description: `An existing ${side} subnet of the VPC (${key})`,
      });
      return { key, ref: parameter.valueAsString };
    });
  return {
    vpcRef: vpcParameter.valueAsString,
    publicSubnets: subnetParameters('public'),
    privateSubnets: subnetParameters('private'),
  };
}

/** Builds the network and the database / cache subnet groups on its private subnets. */
export function addNetwork(build: Build): Network {
  const { stack, cdk, env, ids, team, config } = build;
  const network = isExistingVpc(config.vpc)
    ? existingNetwork(build, config.vpc)
    : createNetwork(build, config.vpc);
  const privateRefs = network.privateSubnets.map((subnet) => subnet.ref);
  const dbSubnetGroup = new cdk.aws_rds.CfnDBSubnetGroup(stack, ids.dbSubnetGroup, {
    dbSubnetGroupName: `${env}-subnet`,
    dbSubnetGroupDescription: `${env} subnet group`,
    subnetIds: privateRefs,
  });
  setTags(dbSubnetGroup, [
    ['category', 'services'],
    ['environment', env],
    ['Team', team],
  ]);
  new cdk.aws_elasticache.CfnSubnetGroup(stack, ids.cacheSubnetGroup, {
    cacheSubnetGroupName: `${env}-subnet`,
    description: `${env} subnet group`,
    subnetIds: privateRefs,
  });
  return network;
}
