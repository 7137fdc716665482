/* eslint-disable @typescript-eslint/no-explicit-any -- the tests poke into free-form JSON documents and templates */
import { describe, expect, it } from 'vitest';
import { parseServiceConfig, serviceConfigJsonSchema } from '../../../src/core/config/service.js';
import type { ServiceDefaults } from '../../../src/core/config/service.js';
import { ValidationError } from '../../../src/errors.js';

type Doc = Record<string, any>;

const valid = (): Doc => ({
  notifications_arn: 'arn:aws:sns:us-east-1:123456789012:alerts',
  services: {
    Web: {
      command: null,
      memory_reservation: 256,
      http_interface: {
        internal: false,
        restrict_access_to: ['0.0.0.0/0', '203.0.113.7'],
        container_port: 80,
        health_check_path: '/elb-check',
        alb_mode: 'dedicated',
        hostnames: ['web.example.com'],
      },
    },
    Worker: { command: 'bundle exec sidekiq', memory_reservation: 512 },
  },
});

function problem(document: unknown, defaults: ServiceDefaults = {}): ValidationError {
  try {
    parseServiceConfig(document, defaults);
  } catch (error) {
    if (error instanceof ValidationError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

const web = (doc: Doc): Doc => doc.services.Web;
const http = (doc: Doc): Doc => doc.services.Web.http_interface;

// [what, how to break the valid document, the field the first error must name, words it must contain]
const invalid: Array<[string, (doc: Doc) => void, string, string]> = [
  ['notifications_arn missing', (doc) => delete doc.notifications_arn, 'notifications_arn', 'is required'],
  [
    'notifications_arn not an ARN',
    (doc) => (doc.notifications_arn = 'alerts'),
    'notifications_arn',
    'SNS topic ARN',
  ],
  [
    'notifications_arn null (the original default)',
    (doc) => (doc.notifications_arn = null),
    'notifications_arn',
    'expected a string',
  ],
  ['no services', (doc) => (doc.services = {}), 'services', 'at least one service'],
  [
    'service name with a dash',
    (doc) => (doc.services['my-web'] = web(doc)),
    'services.my-web',
    'only letters and digits',
  ],
  [
    'service name starting with a digit',
    (doc) => (doc.services['2Web'] = web(doc)),
    'services.2Web',
    'start with a letter',
  ],
  [
    'service names differing in case only',
    (doc) => (doc.services.web = web(doc)),
    'services.web',
    'clashes with "Web"',
  ],
  ['command missing', (doc) => delete web(doc).command, 'services.Web.command', 'is required'],
  ['command a number', (doc) => (web(doc).command = 123), 'services.Web.command', 'expected a string'],
  [
    'memory_reservation a string',
    (doc) => (web(doc).memory_reservation = '256'),
    'services.Web.memory_reservation',
    'expected a number',
  ],
  [
    'memory_reservation too small',
    (doc) => (web(doc).memory_reservation = 5),
    'services.Web.memory_reservation',
    'at least 10',
  ],
  [
    'memory_reservation too large',
    (doc) => (web(doc).memory_reservation = 40000),
    'services.Web.memory_reservation',
    'at most 30000',
  ],
  [
    'memory_reservation fractional',
    (doc) => (web(doc).memory_reservation = 25.5),
    'services.Web.memory_reservation',
    'whole number',
  ],
  [
    'internal not a boolean',
    (doc) => (http(doc).internal = 'yes'),
    'services.Web.http_interface.internal',
    'expected a boolean',
  ],
  [
    'restrict_access_to a string',
    (doc) => (http(doc).restrict_access_to = '0.0.0.0/0'),
    'services.Web.http_interface.restrict_access_to',
    'expected an array',
  ],
  [
    'CIDR prefix out of range',
    (doc) => (http(doc).restrict_access_to = ['10.0.0.0/33']),
    'services.Web.http_interface.restrict_access_to.0',
    'invalid prefix length',
  ],
  [
    'CIDR with host bits',
    (doc) => (http(doc).restrict_access_to = ['10.1.2.3/8']),
    'services.Web.http_interface.restrict_access_to.0',
    'did you mean 10.0.0.0/8',
  ],
  [
    'not an address at all',
    (doc) => (http(doc).restrict_access_to = ['office']),
    'services.Web.http_interface.restrict_access_to.0',
    'valid IPv4 address',
  ],
  [
    'container_port out of range',
    (doc) => (http(doc).container_port = 70000),
    'services.Web.http_interface.container_port',
    'at most 65535',
  ],
  [
    'container_port a string',
    (doc) => (http(doc).container_port = '80'),
    'services.Web.http_interface.container_port',
    'expected a number',
  ],
  [
    'health_check_path relative',
    (doc) => (http(doc).health_check_path = 'health'),
    'services.Web.http_interface.health_check_path',
    'start with "/"',
  ],
  [
    'unknown alb_mode',
    (doc) => (http(doc).alb_mode = 'shared'),
    'services.Web.http_interface.alb_mode',
    '"cluster", "dedicated"',
  ],
  [
    'hostnames a string',
    (doc) => (http(doc).hostnames = 'api.example.com'),
    'services.Web.http_interface.hostnames',
    'expected an array',
  ],
  [
    'hostname without a domain',
    (doc) => (http(doc).hostnames = ['localhost']),
    'services.Web.http_interface.hostnames.0',
    'fully qualified domain name',
  ],
  [
    'hostname starting with a dash',
    (doc) => (http(doc).hostnames = ['-api.example.com']),
    'services.Web.http_interface.hostnames.0',
    'fully qualified',
  ],
  [
    'hostname with an underscore',
    (doc) => (http(doc).hostnames = ['my_api.example.com']),
    'services.Web.http_interface.hostnames.0',
    'fully qualified',
  ],
  [
    'six hostnames',
    (doc) => (http(doc).hostnames = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${x}.example.com`)),
    'services.Web.http_interface.hostnames',
    'at most 5',
  ],
  [
    'hostnames missing in dedicated mode (the original requires them in every http_interface)',
    (doc) => delete http(doc).hostnames,
    'services.Web.http_interface.hostnames',
    'is required: 1 to 5 host names',
  ],
  [
    'hostnames empty (the original default, which failed its own schema)',
    (doc) => (http(doc).hostnames = []),
    'services.Web.http_interface.hostnames',
    'give 1 to 5 host names',
  ],
  [
    'cluster mode without hostnames',
    (doc) => {
      http(doc).alb_mode = 'cluster';
      delete http(doc).hostnames;
    },
    'services.Web.http_interface.hostnames',
    'is required',
  ],
  [
    'a hostname routed to two services (cluster mode)',
    (doc) => {
      http(doc).hostnames = ['api.example.com'];
      http(doc).alb_mode = 'cluster';
      doc.services.Api = {
        ...structuredClone(web(doc)),
        http_interface: { ...http(doc), hostnames: ['API.example.com'] },
      };
    },
    'services.Api.http_interface.hostnames.0',
    'already routed to Web',
  ],
  [
    'Fargate cpu AWS does not offer',
    (doc) => (web(doc).fargate = { cpu: 300, memory: 1024 }),
    'services.Web.fargate.cpu',
    'Fargate accepts 256, 512',
  ],
  [
    'Fargate 256 CPU with 4 GB',
    (doc) => (web(doc).fargate = { cpu: 256, memory: 4096 }),
    'services.Web.fargate.memory',
    'accepts memory 512, 1024, 2048',
  ],
  [
    'Fargate 1 vCPU with 1 GB',
    (doc) => (web(doc).fargate = { cpu: 1024, memory: 1024 }),
    'services.Web.fargate.memory',
    'with cpu 1024',
  ],
  [
    'Fargate 4 vCPU with 31 GB',
    (doc) => (web(doc).fargate = { cpu: 4096, memory: 31744 }),
    'services.Web.fargate.memory',
    'got 31744',
  ],
  [
    'Fargate cpu as a string',
    (doc) => (web(doc).fargate = { cpu: '256', memory: 512 }),
    'services.Web.fargate.cpu',
    'expected a number',
  ],
  [
    'logging fluentd (documented by the original, rejected by its schema)',
    (doc) => (web(doc).logging = 'fluentd'),
    'services.Web.logging',
    '"awslogs", "awsfirelens", "null"',
  ],
  [
    'spot_deployment a string',
    (doc) => (web(doc).spot_deployment = 'true'),
    'services.Web.spot_deployment',
    'expected a boolean',
  ],
  [
    'disable_service_alarms a string',
    (doc) => (web(doc).disable_service_alarms = 'no'),
    'services.Web.disable_service_alarms',
    'expected a boolean',
  ],
  [
    'metrics_port a number',
    (doc) => (web(doc).custom_metrics = { metrics_port: 9100, metrics_path: '/metrics' }),
    'services.Web.custom_metrics.metrics_port',
    'expected a string',
  ],
  [
    'metrics_port too high',
    (doc) => (web(doc).custom_metrics = { metrics_port: '99999', metrics_path: '/metrics' }),
    'services.Web.custom_metrics.metrics_port',
    '1 to 65535',
  ],
  [
    'EFS id malformed',
    (doc) => (web(doc).volume = { efs_id: 'efs-123', efs_directory_path: '/', container_path: '/data' }),
    'services.Web.volume.efs_id',
    'fs-0123456789abcdef0',
  ],
  [
    'EFS container path relative',
    (doc) =>
      (web(doc).volume = { efs_id: 'fs-0123456789abcdef0', efs_directory_path: '/', container_path: 'data' }),
    'services.Web.volume.container_path',
    'start with "/"',
  ],
  [
    'sidecar name without -sidecar',
    (doc) =>
      (web(doc).sidecars = [{ name: 'nginx', image_uri: 'nginx', memory_reservation: 64, essential: true }]),
    'services.Web.sidecars.0.name',
    'must end with "-sidecar"',
  ],
  [
    'sidecar without image',
    (doc) => (web(doc).sidecars = [{ name: 'nginx-sidecar', memory_reservation: 64, essential: true }]),
    'services.Web.sidecars.0.image_uri',
    'is required',
  ],
  [
    'two sidecars with one name',
    (doc) =>
      (web(doc).sidecars = [1, 2].map(() => ({
        name: 'x-sidecar',
        image_uri: 'x',
        memory_reservation: 64,
        essential: true,
      }))),
    'services.Web.sidecars.1.name',
    'used by another container',
  ],
  [
    'FireLens sidecar logging through itself',
    (doc) =>
      (web(doc).sidecars = [
        {
          name: 'fluentbit-firelens-sidecar',
          image_uri: 'f',
          memory_reservation: 64,
          essential: true,
          logging: 'awsfirelens',
        },
      ]),
    'services.Web.sidecars.0.logging',
    'cannot log through itself',
  ],
  [
    'sidecars eating the Fargate task',
    (doc) => {
      web(doc).fargate = { cpu: 256, memory: 512 };
      web(doc).sidecars = [{ name: 'big-sidecar', image_uri: 'x', memory_reservation: 600, essential: true }];
    },
    'services.Web.sidecars',
    'leaves nothing',
  ],
  [
    'depends_on with an unknown condition',
    (doc) => (web(doc).depends_on = [{ container_name: 'x-sidecar', condition: 'READY' }]),
    'services.Web.depends_on.0.condition',
    '"START"',
  ],
  [
    'autoscaling min above max',
    (doc) => (web(doc).autoscaling = { min: 5, max: 2, cpu_target: 60 }),
    'services.Web.autoscaling.min',
    'must not exceed max',
  ],
  [
    'autoscaling without a target',
    (doc) => (web(doc).autoscaling = { min: 1, max: 2 }),
    'services.Web.autoscaling',
    'cpu_target',
  ],
  [
    'request scaling on a worker',
    (doc) => (doc.services.Worker.autoscaling = { min: 1, max: 2, requests_per_target: 100 }),
    'services.Worker.autoscaling.requests_per_target',
    'needs an http_interface',
  ],
  [
    'grace period on a worker',
    (doc) => (doc.services.Worker.health_check_grace_period_seconds = 30),
    'services.Worker.health_check_grace_period_seconds',
    'http_interface',
  ],
  [
    'placement constraints on Fargate',
    (doc) => {
      web(doc).fargate = { cpu: 256, memory: 512 };
      web(doc).placement_constraints = [{ type: 'distinctInstance' }];
    },
    'services.Web.placement_constraints',
    'Fargate services cannot',
  ],
  [
    'memberOf without an expression',
    (doc) => (web(doc).placement_constraints = [{ type: 'memberOf' }]),
    'services.Web.placement_constraints.0.expression',
    'needs an expression',
  ],
  [
    'a misspelt key',
    (doc) => (web(doc).spot_deployement = true),
    'services.Web.spot_deployement',
    'did you mean "spot_deployment"',
  ],
  ['services not an object', (doc) => (doc.services = []), 'services', 'expected'],
];

describe('parseServiceConfig', () => {
  it('accepts the valid document and keeps extra keys the original may have written', () => {
    const doc = valid();
    doc.services.Web.some_future_key = { a: 1 };
    const config = parseServiceConfig(doc);
    expect(config.services.Web?.http_interface?.container_port).toBe(80);
    expect((config.services.Web as Record<string, unknown>).some_future_key).toEqual({ a: 1 });
  });

  it('accepts service names with digits (newer originals allow them) and every Fargate size AWS lists', () => {
    const doc = valid();
    doc.services.Api2 = { command: null, memory_reservation: 64, fargate: { cpu: 4096, memory: 30720 } };
    doc.services.Big = { command: null, memory_reservation: 64, fargate: { cpu: 16384, memory: 122880 } };
    expect(Object.keys(parseServiceConfig(doc).services)).toContain('Api2');
  });

  it(`rejects at least 25 kinds of bad input (${invalid.length} here)`, () => {
    expect(invalid.length).toBeGreaterThanOrEqual(25);
  });

  it.each(invalid)('%s', (_what, breakIt, field, words) => {
    const doc = valid();
    breakIt(doc);
    const error = problem(doc);
    expect(error.message.startsWith(`Invalid service configuration: ${field}: `)).toBe(true);
    expect(error.message).toContain(words);
    expect(error.exitCode).toBe(2);
    expect(error.hint).toMatch(/cloudlift schema service/);
  });

  it('lists every problem, not only the first', () => {
    const doc = valid();
    web(doc).memory_reservation = 1;
    http(doc).alb_mode = 'shared';
    const error = problem(doc);
    expect(error.message).toMatch(/and 1 more problem/);
    expect(error.details).toHaveLength(2);
  });

  it("host names may repeat where nothing routes by them (dedicated), using the environment's alb_mode default", () => {
    const doc = valid();
    delete http(doc).alb_mode;
    doc.services.Api = structuredClone(web(doc));
    expect(problem(doc, { alb_mode: 'cluster' }).message).toContain(
      'services.Api.http_interface.hostnames.0: "web.example.com" is already routed to Web',
    );
    expect(() => parseServiceConfig(doc, { alb_mode: 'dedicated' })).not.toThrow();
    expect(() => parseServiceConfig(doc)).not.toThrow();
  });
});

describe('serviceConfigJsonSchema', () => {
  it('describes the service keys, the known fields and the service name pattern', () => {
    const schema = serviceConfigJsonSchema() as any;
    expect(schema.title).toBe('Cloudlift service configuration');
    expect(schema.required).toEqual(expect.arrayContaining(['notifications_arn', 'services']));
    expect(schema.properties.services.propertyNames.pattern).toBe('^[a-zA-Z][a-zA-Z0-9]*$');
    const service = schema.properties.services.additionalProperties;
    expect(Object.keys(service.properties)).toEqual(
      expect.arrayContaining(['command', 'memory_reservation', 'http_interface', 'fargate', 'autoscaling']),
    );
    expect(service.properties.http_interface.properties.alb_mode.enum).toEqual(['cluster', 'dedicated']);
  });
});
