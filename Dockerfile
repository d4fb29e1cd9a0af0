# northflank-mock as a container:  docker build -t northflank-mock:0.1.0 .   (npm run docker:build)
# Works with the classic builder (no `# syntax=` line, no RUN --mount), so it builds where BuildKit is absent.

# The one place that names the base image; docker/smoke-test.sh reads it from here. Node 24 is the
# active LTS (https://nodejs.org/en/about/previous-releases).
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: TypeScript → dist/, with dev dependencies ---------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install script is needed: esbuild's binary comes in its platform's package (e.g. @esbuild/linux-x64).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY schemas ./schemas
COPY src ./src
COPY scripts ./scripts
RUN npm run build

# --- runtime: the bundled server, and nothing else -------------------------------------------------
# dist/src/server.js and its chunks hold the server with every dependency inlined (scripts/build.mjs),
# the inspector's script among the chunks: no node_modules. pino-pretty, an optional peer that only
# --log-pretty loads, is left out: the container logs JSON lines (docs/docker.md).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    LOG_LEVEL=info
WORKDIR /app
# package.json makes dist/ ES modules ("type": "module") and gives the version (src/version.ts looks for
# it two levels above dist/src/).
COPY package.json ./
COPY --from=build /app/dist/src/server.js ./dist/src/server.js
COPY --from=build /app/dist/src/server-chunks ./dist/src/server-chunks
COPY docker/healthcheck.sh ./healthcheck.sh
# Files stay root-owned, read-only to the process: it writes nothing to disk (a --state-file goes to a
# volume, or /tmp).
USER node
EXPOSE 8080
# docker/healthcheck.sh: bash asks GET /_mock/health on $PORT (no curl or wget, no Node process per
# check). Docker engines before 25 have no --start-interval, so the interval is also the first check's
# delay; that check waits for the server to listen, and passes as soon as it does.
HEALTHCHECK --interval=1s --timeout=15s --start-period=30s --retries=3 CMD ["bash", "/app/healthcheck.sh"]
# Node is PID 1 and handles SIGTERM itself (src/server.ts closes the server and exits 0): no init needed.
CMD ["node", "dist/src/server.js"]
