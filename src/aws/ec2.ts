// EC2 adapter for environments: availability zones, enabled regions, and whether the Elastic IP, key pair, VPC and
// subnets a configuration names exist — read-only look-ups for the pre-flight checks and the template facts.
import type * as Ec2 from '@aws-sdk/client-ec2';
import type { Context } from '../context.js';
import { aws, isAwsError, toCloudliftError } from './errors.js';

/** An Elastic IP allocation as the checks need it. */
export interface AddressInfo {
  allocationId: string;
  /** The ENI/instance association, when the address is in use. */
  associationId?: string;
}

/** A subnet as the checks need it. */
export interface SubnetInfo {
  id: string;
  vpcId: string;
  availabilityZone: string;
}

/** The EC2 read operations cloudlift needs, bound to one region. */
export interface Ec2Api {
  readonly region: string;
  /** Names of the available availability zones (not local or wavelength zones), sorted. */
  availabilityZones(): Promise<string[]>;
  /** Region codes enabled for the account. */
  enabledRegions(): Promise<string[]>;
  /** The Elastic IP allocation, or undefined when it does not exist in the region. */
  address(allocationId: string): Promise<AddressInfo | undefined>;
  keyPairExists(name: string): Promise<boolean>;
  vpcExists(vpcId: string): Promise<boolean>;
  /** The subnet, or undefined when it does not exist. */
  subnet(subnetId: string): Promise<SubnetInfo | undefined>;
}

/** Runs a describe call; an `*.NotFound` / `*.Malformed` answer means "no such thing" (undefined). */
async function found<T>(doing: string, call: () => Promise<T>, notFound: string[]): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isAwsError(error, ...notFound)) {
      return undefined;
    }
    throw toCloudliftError(error, doing);
  }
}

/** An EC2 client for `region`. */
export async function ec2Api(context: Pick<Context, 'aws'>, region: string): Promise<Ec2Api> {
  const sdk = await import('@aws-sdk/client-ec2');
  const client: Ec2.EC2Client = new sdk.EC2Client(await context.aws.config(region));
  return {
    region,
    async availabilityZones() {
      const answer = await aws(`list the availability zones of ${region}`, () =>
        client.send(new sdk.DescribeAvailabilityZonesCommand({})),
      );
      return (answer.AvailabilityZones ?? [])
        .filter((zone) => (zone.ZoneType ?? 'availability-zone') === 'availability-zone')
        .filter((zone) => (zone.State ?? 'available') === 'available')
        .map((zone) => zone.ZoneName ?? '')
        .filter((name) => name !== '')
        .sort();
    },
    async enabledRegions() {
      const answer = await aws('list the regions enabled for this account', () =>
        client.send(new sdk.DescribeRegionsCommand({})),
      );
      return (answer.Regions ?? []).map((item) => item.RegionName ?? '').filter((name) => name !== '');
    },
    async address(allocationId) {
      const answer = await found(
        `look up Elastic IP ${allocationId} in ${region}`,
        () => client.send(new sdk.DescribeAddressesCommand({ AllocationIds: [allocationId] })),
        ['InvalidAllocationID.NotFound', 'InvalidAllocationID.Malformed'],
      );
      const address = answer?.Addresses?.[0];
      return address === undefined
        ? undefined
        : { allocationId, ...(address.AssociationId ? { associationId: address.AssociationId } : {}) };
    },
    async keyPairExists(name) {
      const answer = await found(
        `look up key pair ${name} in ${region}`,
        () => client.send(new sdk.DescribeKeyPairsCommand({ KeyNames: [name] })),
        ['InvalidKeyPair.NotFound'],
      );
      return (answer?.KeyPairs ?? []).some((pair) => pair.KeyName === name);
    },
    async vpcExists(vpcId) {
      const answer = await found(
        `look up VPC ${vpcId} in ${region}`,
        () => client.send(new sdk.DescribeVpcsCommand({ VpcIds: [vpcId] })),
        ['InvalidVpcID.NotFound', 'InvalidVpcID.Malformed'],
      );
      return (answer?.Vpcs ?? []).length > 0;
    },
    async subnet(subnetId) {
      const answer = await found(
        `look up subnet ${subnetId} in ${region}`,
        () => client.send(new sdk.DescribeSubnetsCommand({ SubnetIds: [subnetId] })),
        ['InvalidSubnetID.NotFound', 'InvalidSubnetID.Malformed'],
      );
      const subnet = answer?.Subnets?.[0];
      return subnet === undefined
        ? undefined
        : { id: subnetId, vpcId: subnet.VpcId ?? '', availabilityZone: subnet.AvailabilityZone ?? '' };
    },
  };
}
