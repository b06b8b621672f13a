import { Router } from '../../../src/platform/http/router';

describe('Router', () => {
  const handler = async () => ({ status: 200 });
  const router = new Router().add('GET', '/api/v1/members/:memberId', handler).add('PUT', '/api/v1/members/:memberId', handler);

  it('extracts decoded params', () => {
    const match = router.match('GET', '/api/v1/members/m%2F1');
    expect(match).toMatchObject({ kind: 'found', params: { memberId: 'm/1' }, pattern: '/api/v1/members/:memberId' });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(router.match('DELETE', '/api/v1/members/m1')).toEqual({ kind: 'method_not_allowed', allowed: ['GET', 'PUT'] });
    expect(router.match('GET', '/api/v1/members')).toEqual({ kind: 'not_found' });
    expect(router.match('GET', '/api/v1/members/%E0%A4%A')).toEqual({ kind: 'not_found' });
  });
});
