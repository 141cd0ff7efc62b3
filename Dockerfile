# syntax=docker/dockerfile:1
# One image for the api, the worker and the simulators; docker-compose.yml picks the command.
#
# Debian (glibc), not Alpine: @temporalio/core-bridge ships prebuilt native binaries for
# linux-x64/arm64 glibc only.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- base: the npm the project uses ---------------------------------------------------------
# node:20 ships npm 10. The project is installed with npm 11, which honours package.json's
# `allowScripts` (dependency install scripts run only where allowed there), so use it here too.
FROM ${NODE_IMAGE} AS base
ARG NPM_VERSION=11.19.1
RUN npm install --global "npm@${NPM_VERSION}" \
 && npm cache clean --force
WORKDIR /app

# ---- build: compile TypeScript and prebundle the workflows -------------------------------------
FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# tsc -p tsconfig.build.json && tsx scripts/bundle-workflows.ts  ->  dist/
RUN npm run build

# ---- runtime --------------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_LEVEL=info \
    DATA_DIR=/app/.data \
    SIMULATORS=off
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
# db/migrate.ts reads its .sql migrations from the directory beside the compiled module
# (dist/db/migrations); tsc does not copy non-TS files, so put them there.
COPY --from=build /app/db/migrations ./dist/db/migrations
# DATA_DIR (.data under /app) is the only place the processes may write, e.g. simulator state.
RUN mkdir -p /app/.data && chown node:node /app/.data
# The unprivileged `node` user of the base image; the code itself stays root-owned and read-only.
USER node
# 3000: the REST API; 9464: /metrics (METRICS_PORT) of the api and worker processes.
EXPOSE 3000 9464
# The api by default; docker-compose.yml runs dist/app/worker-main.js and dist/app/simulators-main.js too.
CMD ["node", "dist/app/api-main.js"]
