// Every relative link of the README and docs/ points at a file of the repository, and every #anchor at a
// heading of its page (GitHub's slugs: lower case, punctuation dropped, spaces as dashes).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]

function slugs (page: string): Set<string> {
  const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '')
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, title]) =>
    (title as string).trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')))
}

t.test('every relative link of the README and docs/ resolves, anchors included', async (t) => {
  let links = 0
  for (const page of PAGES) {
    const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '')
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = target as string
      if (/^[a-z]+:/.test(link)) continue
      links++
      const [path = '', anchor] = link.split('#')
      const file = path === '' ? page : join(dirname(page), path)
      t.ok(existsSync(join(ROOT, file)), `${page}: ${link} (a file)`)
      if (anchor !== undefined && file.endsWith('.md') && existsSync(join(ROOT, file))) {
        t.ok(slugs(file).has(anchor), `${page}: ${link} (a heading of ${file})`)
      }
    }
  }
  t.ok(links > 20, `${links} links checked`)
})
