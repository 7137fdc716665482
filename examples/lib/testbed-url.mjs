// Prints the curl command that reaches a deployed web service of the local testbed: the service stack's `<Svc>URL`
// output names its load balancer (https://<ALB DNS name>), and the testbed serves each listener of each load balancer
// on a loopback port (GET /_testbed/load-balancers; plain HTTP, also for HTTPS listeners). Used by examples/demo.sh.
//   node examples/lib/testbed-url.mjs <stack name> <service logical name> <host name>
// Needs AWS_ENDPOINT_URL (the testbed's), never AWS.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

const [stackName, service, host] = process.argv.slice(2);
if (!process.env.AWS_ENDPOINT_URL || !stackName || !service || !host) {
  process.stderr.write('usage (against the testbed): testbed-url.mjs <stack> <service> <host name>\n');
  process.exit(2);
}
const cfn = new CloudFormationClient({ region: process.env.AWS_REGION ?? 'us-east-1', maxAttempts: 1 });
const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
const url = stack?.Outputs?.find((o) => o.OutputKey === `${service}URL`)?.OutputValue;
if (!url) {
  process.stderr.write(`testbed-url: stack ${stackName} has no ${service}URL output\n`);
  process.exit(1);
}
const dnsName = new URL(url).hostname;
const fronts = await (await fetch(`${process.env.AWS_ENDPOINT_URL}/_testbed/load-balancers`)).json();
const balancer = fronts.find((front) => front.dnsName.toLowerCase() === dnsName.toLowerCase()); // DNS ignores case
const listener =
  balancer?.listeners.find((l) => l.port === (url.startsWith('https:') ? 443 : 80)) ?? balancer?.listeners[0];
if (!listener) {
  process.stderr.write(`testbed-url: the testbed serves no listener of ${dnsName}\n`);
  process.exit(1);
}
process.stdout.write(`curl -sS -H 'Host: ${host}' http://${listener.loopback}/\n`);
