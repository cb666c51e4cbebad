# The wandb-daemon as a sidecar: training containers share its home volume (socket + database) and
# set WANDB_DAEMON_HOME to the same path. Build from the repository root:
#   docker build -f docker/daemon.Dockerfile -t wandb-daemon .
FROM node:20-bookworm-slim AS build
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
# A sidecar lives as long as its pod: no idle exit.
ENV NODE_ENV=production \
    WANDB_DAEMON_HOME=/wandb-daemon \
    WANDB_DAEMON_IDLE_TIMEOUT=0
RUN mkdir -p /wandb-daemon && chown node:node /wandb-daemon && chmod 700 /wandb-daemon
# Clients must run as the same user: the socket and database are private to their owner.
USER node
VOLUME ["/wandb-daemon"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD ["node", "packages/daemon/bin/wandb-daemon.js", "status"]
ENTRYPOINT ["node", "packages/daemon/bin/wandb-daemon.js"]
CMD ["start", "--foreground"]
