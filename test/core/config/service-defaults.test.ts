/* eslint-disable @typescript-eslint/no-explicit-any -- the tests poke into free-form JSON documents and templates */
import { describe, expect, it } from 'vitest';
import { parseServiceConfig } from '../../../src/core/config/service.js';
import { isFqdn } from '../../../src/core/config/service-checks.js';
import {
  defaultServiceConfig,
  defaultServiceKey,
  hideManagedKeys,
  injectAlbMode,
  injectFluentbitSidecar,
  placeholderHostname,
  restoreHiddenKeys,
  servicesNeedingFluentbit,
} from '../../../src/core/config/service-defaults.js';

const arn = 'arn:aws:sns:eu-west-1:123456789012:team-alerts';
const fluentImage = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fluentbit:2';

describe('defaultServiceConfig', () => {
  it.each([
    ['dummy', 'Dummy'],
    ['my-app', 'MyApp'],
    ['api2', 'Api2'],
    ['my-2app', 'My2app'],
  ])('is valid as written for app %s (service key %s)', (app, key) => {
    const document = defaultServiceConfig({
      app,
      environment: 'staging',
      notificationsArn: arn,
      defaults: {},
    });
    expect(Object.keys(document.services as object)).toEqual([key]);
    expect(defaultServiceKey(app)).toBe(key);
    expect(() => parseServiceConfig(document)).not.toThrow();
  });

  it('uses the environment alb_mode and then pre-fills a host name, so it stays valid', () => {
    const document = defaultServiceConfig({
      app: 'shop',
      environment: 'prod',
      notificationsArn: arn,
      defaults: { alb_mode: 'cluster' },
    });
    const http = (document as any).services.Shop.http_interface;
    expect(http.alb_mode).toBe('cluster');
    expect(http.hostnames).toEqual(['shop.prod.internal']);
    expect(() => parseServiceConfig(document, { alb_mode: 'cluster' })).not.toThrow();
  });

  it('pre-fills the placeholder host name in dedicated mode too (the original requires host names)', () => {
    const document = defaultServiceConfig({
      app: 'shop',
      environment: 'prod',
      notificationsArn: arn,
      defaults: { alb_mode: 'dedicated' },
    });
    expect((document as any).services.Shop.http_interface.hostnames).toEqual(['shop.prod.internal']);
  });

  it.each([
    ['x'.repeat(70), 'qa-', `${'x'.repeat(63)}.qa.internal`],
    ['web', '-x-', 'web.x.internal'],
  ])('makes a valid host name from app %s and environment %s', (app, environment, expected) => {
    expect(placeholderHostname(app, environment)).toBe(expected);
    expect(isFqdn(expected)).toBe(true);
  });

  it('runs on the smallest Fargate size in a Fargate-only environment', () => {
    const document = defaultServiceConfig({
      app: 'shop',
      environment: 'prod',
      notificationsArn: arn,
      defaults: {},
      fargateOnly: true,
    });
    expect((document as any).services.Shop.fargate).toEqual({ cpu: 256, memory: 512 });
    expect(() => parseServiceConfig(document)).not.toThrow();
  });

  it('keeps the original defaults a user knows: internal, 80, /elb-check, 250 MiB, no command', () => {
    const document = defaultServiceConfig({
      app: 'a',
      environment: 'e',
      notificationsArn: arn,
      defaults: {},
    });
    expect(document).toEqual({
      notifications_arn: arn,
      services: {
        A: {
          http_interface: {
            internal: true,
            restrict_access_to: ['0.0.0.0/0'],
            container_port: 80,
            health_check_path: '/elb-check',
            alb_mode: 'dedicated',
            hostnames: ['a.e.internal'],
          },
          memory_reservation: 250,
          command: null,
        },
      },
    });
  });
});

describe('injectAlbMode', () => {
  const document = {
    services: {
      One: { http_interface: { container_port: 80 } },
      Two: { http_interface: { alb_mode: 'cluster' } },
      Three: { command: null },
    },
  };

  it('fills alb_mode from the environment default, never overriding, and only for http services', () => {
    const { document: result, notes } = injectAlbMode(document, { alb_mode: 'cluster' });
    expect(result).toEqual({
      services: {
        One: { http_interface: { container_port: 80, alb_mode: 'cluster' } },
        Two: { http_interface: { alb_mode: 'cluster' } },
        Three: { command: null },
      },
    });
    expect(notes).toEqual([
      'services.One: no http_interface.alb_mode, using the environment default "cluster".',
    ]);
    expect(document.services.One.http_interface).toEqual({ container_port: 80 });
  });

  it('falls back to dedicated', () => {
    expect((injectAlbMode(document, {}).document as any).services.One.http_interface.alb_mode).toBe(
      'dedicated',
    );
  });
});

describe('injectFluentbitSidecar', () => {
  const input = { app: 'shop', environment: 'prod' };

  it('adds the sidecar and the START dependency for awsfirelens, with the environment image and env', () => {
    const defaults = { fluentbit_config: { image_uri: fluentImage, env: { kinesis_role_arn: 'arn:role' } } };
    const { document, notes } = injectFluentbitSidecar(
      { services: { Web: { logging: 'awsfirelens', memory_reservation: 100 } } },
      { ...input, defaults },
    );
    const web = (document as any).services.Web;
    expect(web.depends_on).toEqual([{ container_name: 'fluentbit-firelens-sidecar', condition: 'START' }]);
    expect(web.sidecars).toEqual([
      {
        name: 'fluentbit-firelens-sidecar',
        memory_reservation: 100,
        essential: true,
        image_uri: fluentImage,
        env: {
          delivery_stream: 'prod-shop',
          CL_ENVIRONMENT: 'prod',
          CL_SERVICE: 'shop',
          kinesis_role_arn: 'arn:role',
        },
        logging: 'awslogs',
        health_check: {
          command: ['CMD-SHELL', 'curl -f -s http://localhost:2020/api/v1/health || exit 1'],
          interval: 5,
          timeout: 2,
          retries: 3,
        },
      },
    ]);
    expect(notes[0]).toContain('added the fluentbit-firelens-sidecar');
  });

  it('follows the environment logging default, and keeps other sidecars', () => {
    const other = { name: 'nginx-sidecar', image_uri: 'nginx', memory_reservation: 50, essential: true };
    const { document } = injectFluentbitSidecar(
      { services: { Web: { sidecars: [other] } } },
      { ...input, defaults: { logging: 'awsfirelens' }, imageUri: fluentImage },
    );
    const names = (document as any).services.Web.sidecars.map((sidecar: any) => sidecar.name);
    expect(names).toEqual(['nginx-sidecar', 'fluentbit-firelens-sidecar']);
  });

  it('leaves an existing sidecar alone', () => {
    const existing = {
      name: 'fluentbit-firelens-sidecar',
      image_uri: 'mine:1',
      memory_reservation: 50,
      essential: true,
    };
    const { document, notes } = injectFluentbitSidecar(
      { services: { Web: { logging: 'awsfirelens', sidecars: [existing] } } },
      { ...input, defaults: {}, imageUri: fluentImage },
    );
    expect((document as any).services.Web.sidecars).toEqual([existing]);
    expect(notes).toEqual([]);
  });

  it('removes the sidecar and dependency when logging is no longer awsfirelens (null included)', () => {
    for (const logging of ['awslogs', null]) {
      const { document } = injectFluentbitSidecar(
        {
          services: {
            Web: {
              logging,
              sidecars: [{ name: 'fluentbit-firelens-sidecar' }],
              depends_on: [{ container_name: 'fluentbit-firelens-sidecar', condition: 'START' }],
            },
          },
        },
        { ...input, defaults: { logging: 'awsfirelens' } },
      );
      expect((document as any).services.Web).toEqual({ logging });
    }
  });

  it('reports services that need an image when none is known, and changes nothing for them', () => {
    const document = { services: { Web: { logging: 'awsfirelens' }, Worker: { logging: 'awslogs' } } };
    expect(servicesNeedingFluentbit(document, {})).toEqual(['Web']);
    expect(injectFluentbitSidecar(document, { ...input, defaults: {} }).document).toEqual(document);
  });
});

describe('hideManagedKeys / restoreHiddenKeys', () => {
  it('round-trips, keeps what the edit set itself, and drops keys of deleted services', () => {
    const document = {
      services: {
        Web: {
          command: null,
          sidecars: [{ name: 'a-sidecar' }],
          depends_on: [{ container_name: 'a-sidecar' }],
        },
        Gone: { sidecars: [{ name: 'b-sidecar' }] },
      },
    };
    const { document: masked, hidden } = hideManagedKeys(document);
    expect(masked).toEqual({ services: { Web: { command: null }, Gone: {} } });
    expect(restoreHiddenKeys(masked, hidden)).toEqual(document);
    const edited = { services: { Web: { command: 'x', sidecars: [] } } };
    expect(restoreHiddenKeys(edited, hidden)).toEqual({
      services: { Web: { command: 'x', sidecars: [], depends_on: [{ container_name: 'a-sidecar' }] } },
    });
  });
});
