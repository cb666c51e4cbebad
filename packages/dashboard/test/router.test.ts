/** Hash routes: parsing never throws, compare ids survive commas, hrefs round-trip. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareKey, comparePaths } from '../src/pages/compare-paths.js';
import { parseRoute, routeHref, type Route } from '../src/router.js';

describe('parseRoute', () => {
  it('reads every page', () => {
    assert.deepEqual(parseRoute(''), { page: 'projects' });
    assert.deepEqual(parseRoute('#/'), { page: 'projects' });
    assert.deepEqual(parseRoute('#/p/me/dash'), { page: 'runs', entity: 'me', project: 'dash' });
    assert.deepEqual(parseRoute('#/r/me/dash/run%201'), { page: 'run', entity: 'me', project: 'dash', run: 'run 1' });
    assert.deepEqual(parseRoute('#/c/me/dash?runs=a,b'), { page: 'compare', entity: 'me', project: 'dash', runs: ['a', 'b'] });
    assert.deepEqual(parseRoute('#/c/me/dash'), { page: 'compare', entity: 'me', project: 'dash', runs: [] });
    assert.deepEqual(parseRoute('#/x/y'), { page: 'projects' });
  });

  it('treats a malformed escape as the projects page instead of throwing', () => {
    assert.deepEqual(parseRoute('#/r/me/dash/100%'), { page: 'projects' });
    assert.deepEqual(parseRoute('#/p/%E0%A4%A/dash'), { page: 'projects' });
    assert.deepEqual(parseRoute('#/c/me/dash?runs=a,%zz'), { page: 'projects' });
  });

  it('splits compare ids on the raw comma, then decodes each (a comma in an id is %2C)', () => {
    assert.deepEqual(parseRoute('#/c/me/dash?runs=a%2Cb,c&other=1'), { page: 'compare', entity: 'me', project: 'dash', runs: ['a,b', 'c'] });
    assert.deepEqual(parseRoute('#/c/me/dash?x=1&runs=a+b,,c%26d'), { page: 'compare', entity: 'me', project: 'dash', runs: ['a+b', 'c&d'] });
  });

  it('gives back every route routeHref writes', () => {
    const routes: Route[] = [
      { page: 'projects' },
      { page: 'runs', entity: 'e/x', project: 'p?q' },
      { page: 'run', entity: 'e', project: 'p', run: 'r%1#2' },
      { page: 'compare', entity: 'e', project: 'p', runs: ['a,b', 'c d', 'é&=?'] },
    ];
    for (const route of routes) assert.deepEqual(parseRoute(routeHref(route)), route);
  });
});

describe('compare view ids', () => {
  it('keeps an id holding a comma whole, in the paths and in the component key', () => {
    const route = parseRoute('#/c/me/dash?runs=a%2Cb,c');
    assert.ok(route.page === 'compare');
    assert.deepEqual(
      comparePaths(route.entity, route.project, route.runs).map((p) => p.run),
      ['a,b', 'c'],
    );
    assert.notEqual(compareKey('me', 'dash', ['a,b']), compareKey('me', 'dash', ['a', 'b']));
    assert.equal(compareKey('me', 'dash', ['a,b', 'c']), compareKey('me', 'dash', ['a,b', 'c']));
  });
});
