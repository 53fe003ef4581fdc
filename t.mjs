const t0 = performance.now();
const { PGlite } = await import('@electric-sql/pglite');
const t1 = performance.now();
const pg = await PGlite.create();
const t2 = performance.now();
await pg.query('select 1');
console.log(t1-t0, t2-t1, performance.now()-t2);
await pg.close();
console.log('closed', performance.now()-t0);
