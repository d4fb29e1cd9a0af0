# northflank-mock as a container:  docker build -t northflank-mock:0.1.0 .   (npm run docker:build)
# Works with the classic builder (no `# syntax=` line, no RUN --mount), so it builds where BuildKit is absent.

# The one place that names the base image; docker/smoke-test.sh reads it from here. Node 24 is the
# active LTS (https://nodejs.org/en/about/previous-releases).
ARG NODE_IMAGE=node:24-bookworm-slim

# --- deps: production dependencies only ------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No runtime dependency needs an install script.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

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
# Declarations and source maps point at sources the runtime image does not hold: drop them.
RUN npm run build \
 && find dist -name '*.d.ts' -delete \
 && find dist -name '*.map' -delete

# --- runtime: production dependencies and compiled output only -------------------------------------
# Copying node_modules from `deps` keeps npm's cache and the lockfile out of the image's layers.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    LOG_LEVEL=info
WORKDIR /app
# package.json sits two levels above dist/src/version.js, where src/version.ts looks for it.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY docker/healthcheck.sh ./healthcheck.sh
# Files stay root-owned, read-only to the process: it writes nothing to disk.
USER node
EXPOSE 8080
# docker/healthcheck.sh: bash asks GET /_mock/health on $PORT (no curl or wget, no Node process per
# check). Docker engines before 25 have no --start-interval, so the interval is also the first check's
# delay; that check waits for the server to listen, and passes as soon as it does.
HEALTHCHECK --interval=1s --timeout=15s --start-period=30s --retries=3 CMD ["bash", "/app/healthcheck.sh"]
# Node is PID 1 and handles SIGTERM itself (src/server.ts closes the server and exits 0): no init needed.
CMD ["node", "dist/src/server.js"]
