// Choosing the app's ECS service for a shell: --component matching (logical name first, then the original's
// `-<name>-` substring rule), the only service, and no picker without a terminal.
import { describe, expect, it } from 'vitest';
import { chooseService, matchComponent } from '../../../src/deploy/session/session-targets.js';
import { makeTestContext, newCapture } from '../../support/context.js';

const services = [
  { component: 'Web', serviceName: 'shop-staging-Web-1A2B3C' },
  { component: 'Worker', serviceName: 'shop-staging-Worker-9Z8Y' },
];

describe('matchComponent', () => {
  it('matches the logical name exactly, then ignoring case', () => {
    expect(matchComponent(services, 'Worker')?.serviceName).toBe('shop-staging-Worker-9Z8Y');
    expect(matchComponent(services, 'web')?.serviceName).toBe('shop-staging-Web-1A2B3C');
  });

  it("falls back to the original's rule: the physical name contains -<name>-", () => {
    expect(matchComponent(services, 'staging')?.component).toBe('Web');
    expect(matchComponent(services, 'Api')).toBeUndefined();
  });
});

describe('chooseService', () => {
  it('uses --component, and lists the choices when it matches nothing', async () => {
    const context = makeTestContext();
    expect((await chooseService(context, services, 'Worker', 'exec')).component).toBe('Worker');
    await expect(chooseService(context, services, 'Api', 'exec')).rejects.toMatchObject({
      message: 'The app has no ECS service "Api"',
      hint: 'Pick one of: Web, Worker (e.g. --component Web).',
      exitCode: 2,
    });
  });

  it('takes the only service without asking', async () => {
    const capture = newCapture();
    const context = makeTestContext({ capture });
    const only = services.slice(0, 1);
    expect((await chooseService(context, only, undefined, 'start_session')).component).toBe('Web');
    expect(capture.stderr).toContain("Using the app's only ECS service, Web.");
  });

  it('fails naming --component when several services exist and nobody can be asked', async () => {
    const context = makeTestContext({ interactive: false });
    await expect(chooseService(context, services, undefined, 'start_session')).rejects.toMatchObject({
      message: 'The app has 2 ECS services (Web, Worker) and there is no terminal to ask which one',
      hint: 'Pass --component, e.g. cloudlift start_session ... --component Web.',
    });
  });
});
