# syntax=docker/dockerfile:1
# Build stage: the production dependencies, with better-sqlite3 compiled against this Node.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force

# Run stage: no compiler, a non-root user, the database on a volume.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PAPERBOT_DB=/data/paperbot.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY data/daily-papers-page.txt ./data/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
# Healthy when the database is usable and the gateway is connected (see `paperbot health`).
HEALTHCHECK --interval=60s --timeout=20s --start-period=90s --retries=3 CMD ["node", "bin/paperbot.js", "health"]
CMD ["node", "bin/paperbot.js", "start"]
