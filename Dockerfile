# northflank-mock as a container:  docker build -t northflank-mock .
# Works with the classic builder (no `# syntax=` line, no RUN --mount), so it builds where BuildKit is absent.

# --- deps: production dependencies only ------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No runtime dependency needs an install script.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# --- build: TypeScript → dist/, with dev dependencies ---------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install script is needed: esbuild's binary comes in its platform's package (e.g. @esbuild/linux-x64).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY scripts ./scripts
COPY schemas ./schemas
COPY src ./src
# Declarations and source maps point at sources the runtime image does not hold: drop them.
RUN npm run build \
 && find dist -name '*.d.ts' -delete \
 && find dist -name '*.map' -delete

# --- runtime: production dependencies and compiled output only -------------------------------------
# Copying node_modules from `deps` keeps npm's cache and the lockfile out of the image's layers.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    LOG_LEVEL=info
WORKDIR /app
# package.json sits two levels above dist/src/version.js, where src/version.ts looks for it.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY docker/healthcheck.cjs ./healthcheck.cjs
# Files stay root-owned, read-only to the process: it writes nothing to disk.
USER node
EXPOSE 8080
# No curl or wget in the image: a few lines of Node ask GET /_mock/health on $PORT. The 1 s interval
# makes a new container healthy about a second after it starts (Docker engines before 25 have no
# --start-interval); each check is one short-lived node process.
HEALTHCHECK --interval=1s --timeout=3s --start-period=30s --retries=3 CMD ["node", "/app/healthcheck.cjs"]
# Node is PID 1 and handles SIGTERM itself (src/server.ts closes the server and exits 0): no init needed.
CMD ["node", "dist/src/server.js"]
