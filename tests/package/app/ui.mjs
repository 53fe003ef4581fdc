// The dashboard served by an installed tasker: its page and hashed assets come from the package itself.
// Prints one JSON line with the statuses, headers and sizes seen.
import { createHttpApp, createTasker } from 'tasker';

const tasker = createTasker({ config: { common: { database: { url: 'postgres://unused@127.0.0.1:1/none' } } }, loadTemplatePaths: false, discoverHandlerPaths: false });
const app = createHttpApp({ tasker });
const page = await app(new Request('http://x.test/ui'));
const html = await page.text();
const script = /src="(\/ui\/assets\/app-[0-9a-f]+\.js)"/.exec(html)?.[1];
const style = /href="(\/ui\/assets\/app-[0-9a-f]+\.css)"/.exec(html)?.[1];
const js = await app(new Request(`http://x.test${script}`));
const css = await app(new Request(`http://x.test${style}`));
console.log(JSON.stringify({
  page: [page.status, page.headers.get('cache-control'), page.headers.get('content-security-policy')?.includes("default-src 'none'")],
  js: [js.status, js.headers.get('cache-control'), (await js.text()).length],
  css: [css.status, css.headers.get('content-type'), (await css.text()).length],
}));
