# syntax=docker/dockerfile:1
# One image for every role: APP_ROLE=api | worker | all (see README.md). Node 20 LTS, runs as the non-root
# `node` user. No poppler or other system tools are needed at runtime (pdf.js and sharp come from npm).

# ---- build: compile TypeScript to dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && touch dist/.build-stamp

# ---- runtime: production dependencies + dist + migrations ----
FROM node:20-bookworm-slim AS runtime
# MALLOC_ARENA_MAX: glibc gives each thread that allocates (libuv's pool, where libvips encodes pictures) an arena
# of its own and keeps what they free; on a 300-page manual of screenshots that was ~190 MB of RSS (630 -> 446 MB
# peak for analyze_layout with 2 arenas, measured).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    APP_ROLE=all \
    PORT=3000 \
    WORKER_HEALTH_PORT=3001 \
    STORAGE_DIR=/app/data/storage \
    PIPELINE_ERROR_LOG=/app/logs/pipeline-errors.log
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
    && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
RUN mkdir -p /app/data/storage /app/logs && chown -R node:node /app/data /app/logs
USER node
EXPOSE 3000 3001
# Migrations run on start (advisory-locked, safe for api and worker starting together); to run them alone:
#   docker run --rm <image> node dist/database/migrate-cli.js
CMD ["node", "dist/main.js"]
