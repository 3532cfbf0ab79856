# Verbatim in a container: the Discord bot (or, without DISCORD_TOKEN, nothing useful: run
# `verbatim` commands with `docker run … verbatim ask "…"`).
#   docker build -t verbatim .
#   docker run -d --env-file .env -v "$PWD/corpus:/app/corpus" -v verbatim-data:/data verbatim
# The corpus and the data folder (snapshot, records, health file) are volumes, so that an image
# upgrade keeps both.

# Build stage: the compiler and the tool chain better-sqlite3 builds its native module with.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
# The `verbatim` command's own small package (a dev dependency, file:bin).
COPY bin ./bin
# npm ci runs `prepare`, which compiles to dist/; then the dev dependencies go.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

# Run stage: Node, the compiled program and its production dependencies; no compiler, no root.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CORPUS_DIR=/app/corpus \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json LICENSE ./
COPY corpus ./corpus
# Word lists the engine reads at run time (data/README.md).
COPY data ./data
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/app/corpus", "/data"]
# Healthy = connected to Discord and responsive (the bot rewrites a health file in /data every 15 s).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["node", "dist/src/cli/verbatim.js", "health"]
# SIGTERM (docker stop) logs the bot out cleanly.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
