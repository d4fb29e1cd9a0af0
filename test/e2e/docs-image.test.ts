/**
 * The image has one name everywhere: every `docker build`, `docker run` and compose `image:` of it in the
 * README, docs/ and the Dockerfile, `npm run docker:build`, and the image the Testcontainers module starts
 * by default (src/version.ts, imageName). So the image built as the docs say is the one the module runs.
 */
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { imageName, VERSION } from '../../src/version.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const IMAGE = imageName(VERSION)
const FILES = ['README.md', 'Dockerfile', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]

/**
 * This image's name wherever a command builds or runs an image, or an image: names one (the rest of the
 * line): not a registry's copy (…/northflank-mock:…), nor a folder. `<version>` stands for the package's.
 */
function namesIn (text: string): string[] {
  return text.replace(/\\\n/g, ' ').split('\n').flatMap((line) => {
    const at = /docker (?:build|run)\b|\bimage:/.exec(line)
    if (at === null) return []
    return [...line.slice(at.index).matchAll(/(?<![\w./-])northflank-mock(?::[\w.<>$-]+)?(?![\w/-])/g)]
      .map((m) => m[0].replace('<version>', VERSION))
  })
}

t.test('every docker build, docker run and image: of the docs names the image the Testcontainers module starts', async (t) => {
  t.equal(IMAGE, `northflank-mock:${VERSION}`, 'the package\'s version')
  let found = 0
  for (const file of FILES) {
    for (const name of namesIn(readFileSync(join(ROOT, file), 'utf8'))) {
      t.equal(name, IMAGE, file)
      found++
    }
  }
  t.ok(found >= 6, `the README, docs/docker.md and the Dockerfile build and run it (${found} found)`)

  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['docker:build']
  t.equal(script?.replace('$npm_package_version', VERSION), `docker build -t ${IMAGE} .`, 'npm run docker:build')

  // The module's own default, as it constructs a container (no Docker needed for that), in a process of its
  // own: this suite measures no coverage of the module, which the Docker smoke test runs. Through env(1):
  // tap's process tracking puts its loader and coverage back into the environment of every child it sees.
  const { stdout } = await promisify(execFile)('env', ['-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath, '--import', 'tsx', '--input-type=module', '-e',
    "const { NorthflankMockContainer } = await import('./src/testcontainers.ts'); console.log(new NorthflankMockContainer().imageName.string)"
  ], { cwd: ROOT })
  t.equal(stdout, `${IMAGE}\n`, 'new NorthflankMockContainer() starts it')
})
