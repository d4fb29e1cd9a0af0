/**
 * GET /_mock/ui: the request inspector, one page with its stylesheet and script inline, nothing fetched
 * from elsewhere (the emulator runs offline). The page holds no data, so it needs no admin token: a
 * browser cannot send a header when it opens a URL. Its script asks for the token on the first 401 and
 * sends it with every call it makes (docs/inspector.md).
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { ADMIN_TAG } from '../../../../schemas/admin.js'
import { pageHtml } from './page.js'
import { STYLE } from './style.js'

/**
 * The page's script, a plain browser file beside this module, linted as such (eslint.config.js). The build
 * puts a copy beside every output that serves the page (scripts/build.mjs).
 */
export const SCRIPT_FILE = new URL('./inspector.js', import.meta.url)

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

interface Page {
  html: string
  csp: string
}

/** Built when first asked for: most emulators never serve it. */
let page: Page | undefined

function built (): Page {
  if (page === undefined) {
    const script = readFileSync(SCRIPT_FILE, 'utf8')
    page = {
      html: pageHtml(STYLE, script),
      // Only this page's own script and style run, and it talks to this emulator only.
      csp: `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(STYLE)}; connect-src 'self'; ` +
        'img-src data:; base-uri \'none\'; form-action \'none\'; frame-ancestors \'none\''
    }
  }
  return page
}

export function uiRoutes (app: FastifyInstance): void {
  app.get('/ui', {
    config: { adminOpen: true },
    schema: {
      tags: [ADMIN_TAG],
      operationId: 'MockInspector',
      summary: 'The request inspector, a page for a browser; no admin token needed to load it',
      description: 'Shows the journal live (newest first, each entry expandable, filtered), the state of each project\'s ' +
        'services, and the control settings. When the emulator has an admin token, the page asks for it and sends it as ' +
        'x-mock-admin-token with each call.',
      response: {
        200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } }
      }
    }
  }, async (_request, reply) => {
    const { html, csp } = built()
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', csp)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(html)
  })
}
