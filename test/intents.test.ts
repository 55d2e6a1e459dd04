import { SecureApp } from '../src';
import { NO_HOLES } from '../src/model/holes';
import { WorkloadIntents } from '../src/model/intents';
import { Peer, Protocol } from '../src/model/peer';
import { resolveConnection } from '../src/model/connection';
import { newChart } from './support/synth';

const IMAGE = 'ghcr.io/acme/app:1.0.0';

function twoApps() {
  const { chart } = newChart({ namespace: 'shop' });
  const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
  const api = new SecureApp(chart, 'api', { name: 'api', image: IMAGE, port: 9000 });
  return { web, api };
}

describe('WorkloadIntents: every hole of one workload, deduped where it enters', () => {
  test('a.allowTo(b) and b.allowFrom(a) are one record, on both workloads, inbound on one and outbound on the other', () => {
    const { web, api } = twoApps();
    web.allowTo(api);
    api.allowFrom(web);
    api.allowFrom(web, { port: 9000, protocol: Protocol.TCP });
    expect(api._intents.connections).toHaveLength(1);
    expect(web._intents.connections).toEqual(api._intents.connections);
    const [c] = api._intents.connections;
    expect({ port: c.port, protocol: c.protocol, from: c.from.workload, to: c.to.workload }).toEqual({ port: 9000, protocol: 'TCP', from: web, to: api });
    expect([api._intents.isInbound(c), api._intents.isOutbound(c)]).toEqual([true, false]);
    expect([web._intents.isInbound(c), web._intents.isOutbound(c)]).toEqual([false, true]);
  });

  test('memoized results last until a connection or a plain-text port is added, and no longer', () => {
    const { web, api } = twoApps();
    const intents = new WorkloadIntents({ workload: api, selector: api.selector, holes: () => NO_HOLES });
    let computed = 0;
    const count = () => intents.memo('n', () => ++computed);
    expect([count(), count()]).toEqual([1, 1]);
    const { connection } = resolveConnection(web, api);
    expect(intents.add(connection!)).toBe(true);
    expect(count()).toBe(2);
    expect(intents.add({ ...connection! })).toBe(false);
    expect(count()).toBe(2);
    intents.allowPlainText(9090);
    intents.allowPlainText(9090);
    expect(intents.permissivePorts).toEqual([9090]);
    expect([count(), count()]).toEqual([3, 3]);
  });

  test('a connection is resolved without throwing: the problem is returned for the construct to report', () => {
    const { web } = twoApps();
    expect(resolveConnection(web, Peer.ipBlock('10.0.0.0/8'))).toEqual({
      problem: 'a connection to ipBlock 10.0.0.0/8 needs a port: it is not a workload of this library, so there is no main port to default to. Fix: pass { port: <number> }.',
    });
    expect(resolveConnection(web, Peer.ipBlock('10.0.0.0/33'), { port: 443 }).problem).toMatch(/^Peer.ipBlock cidr "10.0.0.0\/33" is not a CIDR block/);
    expect(web._intents.connections).toEqual([]);
  });
});
