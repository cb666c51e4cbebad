# The W&B-compatible server. Build from the repository root:
#   docker build -f docker/server.Dockerfile -t wandb-daemon-server .
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary matches; headers ship with the image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
RUN npm install -g pnpm@12.4.2
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY examples/package.json examples/
COPY packages packages
RUN pnpm install --frozen-lockfile && pnpm build && CI=true pnpm prune --prod

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production \
    WANDB_SERVER_DATA_DIR=/data
# The image's unprivileged user owns the data; mount a volume at /data.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The first start on an empty volume prints the admin API key once (docker logs), or takes it from
# WANDB_SERVER_ADMIN_KEY.
ENTRYPOINT ["node", "packages/server/bin/wandb-server.js"]
CMD ["start", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/data"]
