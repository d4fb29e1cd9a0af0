/**
 * `northflank-mock/testcontainers`: the emulator as a Testcontainers module, in the shape of
 * testcontainers-node's own modules (a `*Container` with typed `with…()` options and a wait strategy, a
 * `Started*Container` with accessors). `testcontainers` is an optional peer dependency: only this entry
 * point needs it. The image is built from this repository by `npm run docker:build` (docs/docker.md).
 */
import { AbstractStartedContainer, GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers'
import type { Fixtures } from '../schemas/fixtures.js'
import { createAdminClient, type AdminClient } from './client.js'
import { hostAllowed } from './routes/admin/callers.js'
import { imageName, VERSION } from './version.js'

/** The image `npm run docker:build` and the docs' `docker build` tag: this package's version. */
export const DEFAULT_IMAGE = imageName(VERSION)
/** The port the image listens on. */
export const PORT = 8080
const FIXTURES_PATH = '/fixtures/northflank.json'

export class NorthflankMockContainer extends GenericContainer {
  private adminToken: string | undefined
  private allowedHosts: string[] = []

  constructor (image: string = DEFAULT_IMAGE) {
    super(image)
    this.withExposedPorts(PORT)
      // Open even with an admin token; answers once the fixtures are loaded and the server listens.
      .withWaitStrategy(Wait.forHttp('/_mock/health', PORT).forStatusCode(200))
      .withStartupTimeout(60_000)
  }

  /** Fixtures the emulator starts with (and resets to): a JSON file on this machine, or the document itself. */
  withFixtures (fixtures: string | Fixtures): this {
    if (typeof fixtures === 'string') this.withCopyFilesToContainer([{ source: fixtures, target: FIXTURES_PATH, mode: 0o644 }])
    else this.withCopyContentToContainer([{ content: JSON.stringify(fixtures), target: FIXTURES_PATH, mode: 0o644 }])
    return this.withEnvironment({ NORTHFLANK_MOCK_FIXTURES: FIXTURES_PATH })
  }

  /** Guards /_mock (but health) with this token; the started container's `admin` client sends it. */
  withAdminToken (token: string): this {
    this.adminToken = token
    return this.withEnvironment({ NORTHFLANK_MOCK_ADMIN_TOKEN: token })
  }

  /** One state and journal per API token, for test files sharing one container. */
  withIsolation (isolation = true): this {
    return this.withEnvironment({ NORTHFLANK_MOCK_ISOLATION: String(isolation) })
  }

  /** More host names the control plane answers (docs/control-plane.md): `name`, `.name` or `*`. */
  withAllowedHosts (...hosts: string[]): this {
    this.allowedHosts.push(...hosts)
    return this
  }

  override async start (): Promise<StartedNorthflankMockContainer> {
    // The control plane answers its own URL: the Docker host's name too, when it is a remote one
    // (DOCKER_HOST=tcp://docker.example.com:2376) rather than localhost or an address.
    const host = (await getContainerRuntimeClient()).info.containerRuntime.host
    const allowed = hostAllowed(host, []) ? this.allowedHosts : [...this.allowedHosts, host]
    if (allowed.length > 0) this.withEnvironment({ NORTHFLANK_MOCK_ALLOWED_HOSTS: allowed.join(',') })
    return new StartedNorthflankMockContainer(await super.start(), this.adminToken)
  }
}

export class StartedNorthflankMockContainer extends AbstractStartedContainer {
  /** The admin client (/_mock), bound to this container and its admin token. */
  readonly admin: AdminClient

  constructor (started: StartedTestContainer, adminToken: string | undefined) {
    super(started)
    this.admin = createAdminClient(this.getApiUrl(), { adminToken })
  }

  /** The emulated API's base URL, e.g. http://localhost:32768: the js-client's `host` as it is. */
  getApiUrl (): string {
    return `http://${this.getHost()}:${this.getMappedPort(PORT)}`
  }
}
